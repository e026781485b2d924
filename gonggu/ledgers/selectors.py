"""Reads of ledger rows: scoped to the user's region, filtered as the list page and its export ask."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from gonggu.core.access import get_in_scope
from gonggu.core.codes import in_scope_q
from gonggu.core.idnumber import InvalidIdNumber, mask, normalize

from .kinds import LEDGERS, LedgerKind


def kinds_for_user(user) -> list[LedgerKind]:
    return [k for k in LEDGERS.values() if k.visible_to(user)]


@dataclass
class LedgerFilters:
    """What the list page's form holds; the export uses the same."""

    region: str = ""                       # a region code prefix within the user's scope
    q: str = ""                            # a name, or an identity number (exact)
    batch: int | None = None
    choices: dict[str, str] = field(default_factory=dict)   # filter field → value
    order: str = ""

    @classmethod
    def from_query(cls, kind: LedgerKind, data) -> LedgerFilters:
        try:
            batch = int(data.get("batch")) if data.get("batch") else None
        except ValueError:
            batch = None
        region = "".join(ch for ch in (data.get("region") or "") if ch.isdigit())[:12]
        allowed_order = {*kind.shown_fields, *(f"-{f}" for f in kind.shown_fields), "region_code", "-region_code"}
        order = data.get("o", "")
        return cls(region=region, q=(data.get("q") or "").strip()[:40], batch=batch,
                   choices={f: data.get(f) for f in kind.filter_fields if data.get(f)},
                   order=order if order in allowed_order else "")

    def as_query(self) -> dict:
        data = {"region": self.region, "q": self.q, "batch": self.batch or "", "o": self.order, **self.choices}
        return {k: v for k, v in data.items() if v not in ("", None)}


def ledger_rows_for_user(user, kind: LedgerKind, filters: LedgerFilters | None = None) -> QuerySet:
    place = kind.region_field
    related = [n for n in ("person", "household") if kind.has_field(n)]
    if "__" in place:
        related.append(place.split("__")[0])     # the row's region is its batch's (a department list)
    qs = kind.rows().filter(in_scope_q(place, user.scope_prefix)).select_related(*related)
    f = filters or LedgerFilters()
    if f.region:
        qs = qs.filter(**{f"{place}__startswith": f.region})
    if f.batch:
        qs = qs.filter(batch_id=f.batch)
    if f.q:
        try:
            qs = qs.filter(id_number=normalize(f.q))
        except InvalidIdNumber:
            if kind.has_field("person"):
                qs = qs.filter(Q(person__name__contains=f.q) | Q(household__head_name__contains=f.q))
            elif kind.has_field("name"):
                qs = qs.filter(name__contains=f.q)   # a list that keeps the name as given
    for name, value in f.choices.items():
        qs = qs.filter(**{name: value})
    order = [f.order.replace("region_code", place)] if f.order else []
    date_order = [f"-{kind.date_field}"] if kind.date_field else []
    return qs.order_by(*order, *date_order, place, "-id")


def ledger_row_get_for_user(user, kind: LedgerKind, pk: int):
    return get_in_scope(ledger_rows_for_user(user, kind), user, pk, what="台账记录", field=None)


def ledger_row_history(row) -> list[dict]:
    """Each change of the row, newest first: who, when, how (imported, entered, edited), and what changed."""
    if not hasattr(row, "history"):
        return []     # a list another format writes: each batch is kept whole, rows are never edited
    records = list(row.history.select_related("history_user").order_by("-history_date", "-history_id"))
    changes = []
    # A row written outside the ORM (a database load) has no history yet: the page shows none, not an error.
    for newer, older in zip(records, [*records[1:], None][:len(records)], strict=True):
        diff = []
        if older is not None:
            delta = newer.diff_against(older)
            for change in delta.changes:
                if change.field in ("updated_at", "updated_by", "batch"):
                    continue
                label = str(row._meta.get_field(change.field).verbose_name)
                diff.append((label, change.old, change.new))
        changes.append({"at": newer.history_date, "user": newer.history_user, "type": newer.get_history_type_display(),
                        "batch_id": newer.batch_id, "changes": diff})
    return changes


def cell_display(row, kind: LedgerKind, name: str):
    """A row's field as pages show it: identity numbers masked, yes/no in words, nothing for empty."""
    value = getattr(row, name)
    if name in kind.masked_fields:
        return mask(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else value


@dataclass
class HouseholdLedger:
    kind: LedgerKind
    headers: list[str]
    rows: list[dict]          # {"row": the row, "who": the person's name, "values": [(header, shown value)]}


def household_ledgers(user, household) -> list[HouseholdLedger]:
    """The household's rows in every ledger kind the user may see (一户一档): one loop over the registered kinds,
    so a new kind appears here without a line of code. A row about a village (Match.REGION) shows when it names
    one household (a water problem of one household's tap)."""
    out = []
    for kind in kinds_for_user(user):
        if not kind.has_field("household"):
            continue
        rows = list(ledger_rows_for_user(user, kind).filter(household=household)[:50])
        if not rows:
            continue
        out.append(HouseholdLedger(kind, [kind.label(f) for f in kind.shown_fields], [
            {"row": r, "who": kind.who(r),
             "values": [(kind.label(f), cell_display(r, kind, f)) for f in kind.shown_fields]} for r in rows]))
    return out
