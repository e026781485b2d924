"""Reads of the registry that pages, edits and exports depend on, scoped to the user's region.

Every query starts from `in_scope_q("region_code", prefix)`: a range on an indexed 12-digit column,
so a county of a million persons is searched without joins to the region tree. Identity numbers
are matched exactly after normalisation (never with LIKE): the column is unique-indexed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gonggu.core.codes import Level, in_scope_q
from gonggu.core.errors import NotFoundInScope
from gonggu.core.idnumber import InvalidIdNumber, mask, normalize
from gonggu.regions.models import Region
from gonggu.regions.selectors import regions_in_scope

from .choices import (
    Health,
    HouseholdType,
    LabourAbility,
    MonitoringType,
    PersonStatus,
    Relation,
)
from .models import Household, IncomeAccount, Person

RELATION_ORDER = {value: i for i, value in enumerate(Relation.values)}
YES_NO = {"是": True, "否": False}


def age_on(birth: dt.date, today: dt.date) -> int:
    """Whole years at `today`."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


# --- lists and search -------------------------------------------------------------------------------------------

@dataclass
class HouseholdFilters:
    """The search box and filters of the household list (and of a filtered export)."""

    q: str = ""
    region: str = ""            # a township or village code inside the user's scope
    household_type: str = ""
    monitoring_type: str = ""
    labour_ability: str = ""
    health: str = ""
    relocated: str = ""         # "是" / "否" / ""

    @classmethod
    def from_query(cls, data) -> HouseholdFilters:
        values = {f.name: (data.get(f.name) or "").strip() for f in fields(cls)}
        # Unknown values of a choice filter are dropped rather than matching nothing silently.
        allowed = {"household_type": HouseholdType.values, "monitoring_type": MonitoringType.values,
                   "labour_ability": LabourAbility.values, "health": Health.values, "relocated": list(YES_NO)}
        for name, choices in allowed.items():
            if values[name] not in choices:
                values[name] = ""
        return cls(**values)

    def as_query(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    @property
    def any(self) -> bool:
        return bool(self.as_query())


@dataclass
class HouseholdSearch:
    households: QuerySet[Household]
    # Shown above the results, e.g. why a typed identity number matched nothing.
    notes: list[str] = field(default_factory=list)


def households_for_user(user) -> QuerySet[Household]:
    return Household.objects.filter(in_scope_q("region_code", user.scope_prefix))


def persons_for_user(user) -> QuerySet[Person]:
    return Person.objects.filter(in_scope_q("region_code", user.scope_prefix))


def _prefix_range_q(field_name: str, text: str) -> Q:
    """`field` starts with `text`, written as a range so that a B-tree index serves it (LIKE would not, on SQLite)."""
    upper = text[:-1] + chr(ord(text[-1]) + 1)
    return Q(**{f"{field_name}__gte": text, f"{field_name}__lt": upper})


def _looks_like_id(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    return len(text) >= 15 and digits >= 14


def _member_scan(user) -> QuerySet[Person]:
    """Persons to scan for a condition on a column without an index (name, health, labour ability).

    A township or village: its persons, through the region index. Wider: all persons, because the
    households are scoped already and a plain table scan beats walking the region index over a county.
    """
    prefix = user.scope_prefix
    return persons_for_user(user) if prefix is not None and len(prefix) >= 9 else Person.objects.all()


def household_search(user, filters: HouseholdFilters) -> HouseholdSearch:
    """Households in the user's scope matching the search box and filters, ordered by village and number."""
    qs = households_for_user(user)
    notes: list[str] = []
    prefix = user.scope_prefix

    if filters.region:
        region = regions_in_scope(prefix).filter(code=filters.region).only("prefix").first()
        qs = qs.filter(in_scope_q("region_code", region.prefix)) if region else qs.none()

    text = filters.q
    if text:
        try:
            number = normalize(text)
        except InvalidIdNumber as exc:
            number = None
            if _looks_like_id(text):
                notes.append(f"“{mask(text)}”不是有效的身份证号（{exc}），已按户编号查找。")
        by_no = households_for_user(user)
        if prefix is not None and len(prefix) >= 6:
            # The unique index (county_code, household_no) serves both exact and prefix matches.
            by_no = by_no.filter(county_code=prefix[:6])
        if number is not None:
            # Exact match on the unique index of identity numbers; a household number of the same digits too.
            # Both are looked up first (a handful of ids) so that the count and the page use the primary key.
            ids = list(persons_for_user(user).filter(id_number=number).values_list("household_id", flat=True))
            ids += list(by_no.filter(household_no=text).values_list("pk", flat=True))
            qs = qs.filter(pk__in=ids)
        elif text.isascii():
            qs = qs.filter(pk__in=by_no.filter(_prefix_range_q("household_no", text)).values("pk"))
        else:
            # A name: the head's or any member's (户主姓名 is a member's name too).
            # A township or village: its persons through the region index. Wider: the households are scoped
            # already, and a plain scan of the names is faster than walking the region index over a county.
            names = _member_scan(user).filter(name__contains=text).values("household_id")
            qs = qs.filter(pk__in=names)

    if filters.household_type:
        qs = qs.filter(household_type=filters.household_type)
    if filters.monitoring_type:
        qs = qs.filter(monitoring_type=filters.monitoring_type)
    if filters.relocated:
        qs = qs.filter(relocated=YES_NO[filters.relocated])
    member_q = Q()
    if filters.labour_ability:
        member_q &= Q(labour_ability=filters.labour_ability)
    if filters.health:
        member_q &= Q(health=filters.health)
    if member_q:
        members = _member_scan(user).filter(member_q, status=PersonStatus.ACTIVE).values("household_id")
        qs = qs.filter(pk__in=members)
    return HouseholdSearch(households=qs.order_by("region_code", "household_no"), notes=notes)


@dataclass
class HouseholdRow:
    household: Household
    members: int
    income_year: int | None
    per_capita: Decimal | None


def household_rows(households: list[Household]) -> list[HouseholdRow]:
    """Member counts and latest per-capita income for one page of households: two queries, whatever the page size."""
    ids = [h.pk for h in households]
    counts = dict(
        Person.objects.filter(household_id__in=ids, status=PersonStatus.ACTIVE)
        .values("household_id").annotate(n=Count("id")).values_list("household_id", "n")
    )
    latest: dict[int, tuple[int, Decimal]] = {}
    for hid, year, value in (IncomeAccount.objects.filter(household_id__in=ids)
                             .order_by("household_id", "year").values_list("household_id", "year", "per_capita")):
        latest[hid] = (year, value)
    return [HouseholdRow(h, counts.get(h.pk, 0), *(latest.get(h.pk) or (None, None))) for h in households]


def region_options(user) -> list[tuple[str, str]]:
    """Townships and villages a user can filter by: a county's worth at most (a province-wide list would be too long)."""
    prefix = user.scope_prefix
    if prefix is None or len(prefix) < 6 or len(prefix) == 12:
        return []
    rows = (regions_in_scope(prefix).filter(level__in=[Level.TOWNSHIP, Level.VILLAGE])
            .order_by("code").values_list("code", "name", "level"))
    return [(code, name if level == Level.TOWNSHIP else f"\u3000{name}") for code, name, level in rows]


def income_years(user, *, back: int = 6) -> list[int]:
    """Years offered for an export: recent ones (asking the database would scan every income account)."""
    this_year = timezone.localdate().year
    return list(range(this_year - 1, this_year - 1 - back, -1))


# --- one household ----------------------------------------------------------------------------------------------

def household_get_for_user(user, pk: int) -> Household:
    household = households_for_user(user).filter(pk=pk).select_related("village", "village__parent").first()
    if household is None:
        raise NotFoundInScope("农户")
    return household


def person_get_for_user(user, pk: int) -> Person:
    person = persons_for_user(user).filter(pk=pk).select_related("household", "household__village").first()
    if person is None:
        raise NotFoundInScope("家庭成员")
    return person


def household_members(household: Household) -> list[Person]:
    """Active members first (户主, 配偶, 子女 …), then those who died or moved out."""
    members = list(household.members.all())
    members.sort(key=lambda p: (p.status != PersonStatus.ACTIVE, RELATION_ORDER.get(p.relation, 99), p.birth_date,
                                p.pk))
    return members


def active_member_count(household: Household) -> int:
    return household.members.filter(status=PersonStatus.ACTIVE).count()


def household_incomes(household: Household) -> list[IncomeAccount]:
    return list(household.incomes.order_by("-year"))


# --- change history ---------------------------------------------------------------------------------------------

# Bookkeeping columns that change with every save and say nothing to a reader.
_SKIP_FIELDS = {"id", "created_at", "updated_at", "created_by", "updated_by"}
_HISTORY_ACTIONS = {"+": "新增", "~": "修改", "-": "删除"}


@dataclass
class HistoryChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: dt.datetime
    who: str
    subject: str
    action: str
    changes: list[HistoryChange]
    reason: str = ""


def _display(field_obj, value, lookups: dict[str, dict]) -> str:
    if value is None or value == "":
        return "（空）"
    name = field_obj.name
    if name == "id_number":
        return mask(value)
    if name in lookups:
        return lookups[name].get(value, str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if name == "gender":
        return {"M": "男", "F": "女"}.get(value, value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _tracked_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in _SKIP_FIELDS]


def _entries_for(records, model, subject, lookups) -> list[HistoryEntry]:
    """Turn the records of one object (oldest first) into entries listing the fields each save changed."""
    tracked = _tracked_fields(model)
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None and record.history_type == "~":
            for f in tracked:
                old, new = getattr(previous, f.attname), getattr(record, f.attname)
                if old != new:
                    changes.append(HistoryChange(str(f.verbose_name), _display(f, old, lookups),
                                                 _display(f, new, lookups)))
            if not changes:
                previous = record
                continue
        user = record.history_user
        entries.append(HistoryEntry(
            at=record.history_date, who=(user.full_name or user.username) if user else "系统",
            subject=subject(record), action=_HISTORY_ACTIONS.get(record.history_type, record.history_type),
            changes=changes, reason=record.history_change_reason or "",
        ))
        previous = record
    return entries


def household_history(household: Household, *, limit: int = 200) -> list[HistoryEntry]:
    """Who changed what and when: the household, every person who ever belonged to it, and its income accounts."""
    h_records = list(household.history.select_related("history_user").order_by("history_date", "history_id"))
    person_model = Person.history.model
    ever_members = person_model.objects.filter(household_id=household.pk).values("id")
    p_records = list(person_model.objects.filter(id__in=ever_members).select_related("history_user")
                     .order_by("id", "history_date", "history_id"))
    i_records = list(IncomeAccount.history.filter(household_id=household.pk).select_related("history_user")
                     .order_by("id", "history_date", "history_id"))

    # Foreign keys are shown by name: one query per referenced table, not per record.
    household_ids = {r.household_id for r in p_records}
    village_ids = {r.village_id for r in h_records}
    lookups = {
        "household": dict(Household.objects.filter(pk__in=household_ids).values_list("pk", "household_no")),
        "village": dict(Region.objects.filter(pk__in=village_ids).values_list("pk", "name")),
    }

    entries = _entries_for(h_records, Household, lambda r: "农户信息", lookups)
    by_object: dict[tuple[str, int], list] = {}
    for r in p_records:
        by_object.setdefault(("p", r.id), []).append(r)
    for r in i_records:
        by_object.setdefault(("i", r.id), []).append(r)
    for (kind, _pk), records in by_object.items():
        if kind == "p":
            entries += _entries_for(records, Person, lambda r: f"成员 {r.name}", lookups)
        else:
            entries += _entries_for(records, IncomeAccount, lambda r: f"{r.year} 年收入", lookups)
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def today() -> dt.date:
    return timezone.localdate()
