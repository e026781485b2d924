"""Reads of the registry that pages, edits and exports depend on, scoped to the user's region.

Every query starts from `in_scope_q("region_code", prefix)`: a range on an indexed 12-digit column,
so a county of a million persons is searched without joins to the region tree. Identity numbers
are matched exactly after normalisation (never with LIKE): the column is unique-indexed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field, fields
from decimal import Decimal
from itertools import accumulate

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Count, F, Func, Q, QuerySet
from django.utils import timezone

from gonggu.core.access import Perm
from gonggu.core.codes import Level, code_range, in_scope_q
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
from .models import Household, IncomeAccount, Person, RegistryBatch

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


def household_type_counts(prefix: str | None) -> dict[str, int]:
    """Households of a region by type (脱贫户, 监测户 …): the one count of households and of 监测户 that the home
    page, the 一口清 and the assessment pages show."""
    return {r["household_type"]: r["n"] for r in Household.objects.filter(in_scope_q("region_code", prefix))
            .values("household_type").annotate(n=Count("id")).order_by()}


def households_for_user(user) -> QuerySet[Household]:
    return Household.objects.filter(in_scope_q("region_code", user.scope_prefix))


def persons_for_user(user) -> QuerySet[Person]:
    return Person.objects.filter(in_scope_q("region_code", user.scope_prefix))


def _prefix_range_q(field_name: str, text: str) -> Q:
    """`field` starts with `text`, written as a range so that a B-tree index serves it (LIKE would not, on SQLite)."""
    upper = text[:-1] + chr(ord(text[-1]) + 1)
    return Q(**{f"{field_name}__gte": text, f"{field_name}__lt": upper})


_ID_TAIL = re.compile(r"\d{3,7}[\dXx]")
SHOWN_TAIL = 4        # a masked number (410122********123X) shows its last four characters
TAIL_LIMIT = 500      # a four-digit tail matches about one person in ten thousand: a county gets a page or two


def _looks_like_id(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    return len(text) >= 15 and digits >= 14


def _codes_q(field_name: str, low: str | None, high: str | None) -> Q:
    """`field` between two region codes (inclusive); None leaves that side open."""
    q = Q()
    if low is not None:
        q &= Q(**{f"{field_name}__gte": low})
    if high is not None:
        q &= Q(**{f"{field_name}__lte": high})
    return q


class _HasEveryCharacter(Func):
    """The name holds every character of the search: `string_to_array(name, NULL) @> ARRAY[…]`.

    PostgreSQL only, served by the GIN index person_name_chars_idx (migration 0003): a necessary condition
    for “contains” that an index can answer, so that LIKE '%…%' then reads a few hundred rows, not a million.
    """

    output_field = BooleanField()

    def __init__(self, expression, characters: str):
        super().__init__(expression)
        self.characters = sorted(set(characters))

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"string_to_array({sql}, NULL) @> %s::text[]", (*params, self.characters)


def persons_named(persons: QuerySet[Person], text: str) -> QuerySet[Person]:
    """Persons whose name contains `text` (anywhere: “桂英” finds 赵桂英)."""
    named = persons.filter(name__contains=text)
    if connection.vendor == "postgresql":
        named = named.filter(_HasEveryCharacter(F("name"), text))
    return named


# The household list's order. `id` makes it total, so that pages neither repeat nor skip a household.
LIST_ORDER = ("region_code", "household_no", "id")


class _HouseholdQuery:
    """The search box and filters of one request, resolved once (region filter, identity numbers, notes).

    `households(low, high)` gives the matching households whose region code lies in [low, high]: the whole
    range of the search for the count, or just the villages of one page. The member conditions (name, health,
    labour ability) get the same range, so a page reads the persons of one or two villages however deep it is.
    """

    def __init__(self, user, filters: HouseholdFilters):
        self.user = user
        self.filters = filters
        self.notes: list[str] = []
        prefix = user.scope_prefix
        self.empty = False
        # The region filter narrows the range of codes; a region outside the scope matches nothing.
        self.scope_range = code_range(prefix) if prefix is not None else (None, None)
        self.low, self.high = self.scope_range
        if filters.region:
            region = regions_in_scope(prefix).filter(code=filters.region).only("prefix").first()
            if region is None:
                self.empty = True
            else:
                self.low, self.high = code_range(region.prefix)

        self.keys: list[int] | None = None   # an identity-number search: the few households it found
        self.number_prefix = ""
        self.name = ""
        text = filters.q
        if text:
            try:
                number = normalize(text)
            except InvalidIdNumber as exc:
                number = None
                if _looks_like_id(text):
                    self.notes.append(f"“{mask(text)}”不是有效的身份证号（{exc}），已按户编号查找。")
            if number is not None:
                # Exact match on the unique index of identity numbers; a household number of the same digits
                # too. Both are looked up first (a handful of ids) so that the count and the page use the key.
                keys = list(persons_for_user(user).filter(id_number=number).values_list("household_id", flat=True))
                keys += list(self._by_number().filter(household_no=text).values_list("pk", flat=True))
                self.keys = keys
            elif _ID_TAIL.fullmatch(text) and (len(text) <= SHOWN_TAIL or user.has_perm_code(Perm.UNMASK_ID)):
                # The last digits of an identity number (what a clerk reads off a card or a masked list): the
                # last four are on every masked number, more only for roles that may see the whole number.
                # A household number starting with the same digits still matches.
                tail = text.upper()
                keys = list(persons_for_user(user).filter(id_number__endswith=tail)
                            .values_list("household_id", flat=True)[:TAIL_LIMIT])
                keys += list(self._by_number().filter(_prefix_range_q("household_no", text))
                             .values_list("pk", flat=True)[:TAIL_LIMIT])
                self.keys = keys
            elif text.isascii():
                if _ID_TAIL.fullmatch(text):
                    self.notes.append(f"按身份证号后 {SHOWN_TAIL} 位以上查找需要查看完整身份证号的权限，"
                                      f"已按户编号查找；可输入后 {SHOWN_TAIL} 位。")
                self.number_prefix = text
            else:
                self.name = text   # the head's or any member's name (户主姓名 is a member's name too)

    def _by_number(self) -> QuerySet[Household]:
        qs = households_for_user(self.user)
        prefix = self.user.scope_prefix
        if prefix is not None and len(prefix) >= 6:
            # The unique index (county_code, household_no) serves both exact and prefix matches.
            qs = qs.filter(county_code=prefix[:6])
        return qs

    def households(self, low: str | None = None, high: str | None = None) -> QuerySet[Household]:
        """Matching households with region codes in [low, high] (default: the whole range of the search)."""
        qs = households_for_user(self.user).filter(self._narrower_q(low, high))
        if self.empty:
            return qs.none()
        members = persons_for_user(self.user).filter(self._narrower_q(low, high))
        filters = self.filters
        if self.keys is not None:
            qs = qs.filter(pk__in=self.keys)
        elif self.number_prefix:
            qs = qs.filter(pk__in=self._by_number().filter(_prefix_range_q("household_no", self.number_prefix))
                           .values("pk"))
        elif self.name:
            qs = qs.filter(pk__in=persons_named(members, self.name).values("household_id"))

        if filters.household_type:
            qs = qs.filter(household_type=filters.household_type)
        if filters.monitoring_type:
            qs = qs.filter(monitoring_type=filters.monitoring_type)
        if filters.relocated:
            qs = qs.filter(relocated=YES_NO[filters.relocated])
        if self._member_q():
            qs = qs.filter(pk__in=self._members_matching(members).values("household_id"))
        return qs

    def _narrower_q(self, low: str | None, high: str | None) -> Q:
        """The range [low, high] of region codes, when narrower than the scope (which every query has already)."""
        low = self.low if low is None else low
        high = self.high if high is None else high
        if (low, high) == self.scope_range:
            return Q()
        return _codes_q("region_code", low, high)

    def _member_q(self) -> Q:
        q = Q()
        if self.filters.labour_ability:
            q &= Q(labour_ability=self.filters.labour_ability)
        if self.filters.health:
            q &= Q(health=self.filters.health)
        return q

    def _members_matching(self, members: QuerySet[Person]) -> QuerySet[Person]:
        # Served by person_health_idx / person_labour_idx: the value, members on record, the range of codes.
        return members.filter(self._member_q(), status=PersonStatus.ACTIVE)

    def village_counts(self) -> list[tuple[str, int]]:
        """(region code, matching households) for each village with any, in list order."""
        f = self.filters
        if (self._member_q() and not self.empty and not f.q and not f.household_type and not f.monitoring_type
                and not f.relocated):
            # Only member conditions: count the households of the matching members from the person index alone
            # (a person's region code is always their household's), instead of joining 300,000 households to
            # the hundreds of thousands of members that match a common value such as 健康.
            members = persons_for_user(self.user).filter(self._narrower_q(None, None))
            rows = (self._members_matching(members).order_by("region_code").values("region_code")
                    .annotate(n=Count("household_id", distinct=True)).values_list("region_code", "n"))
        else:
            rows = (self.households().order_by("region_code").values("region_code")
                    .annotate(n=Count("id")).values_list("region_code", "n"))
        return list(rows)

    def cache_key(self, version: tuple) -> str:
        """Scope, filters and the registry's version: equal keys mean equal lists."""
        text = json.dumps([self.user.scope_prefix, self.filters.as_query(), [str(v) for v in version]],
                          ensure_ascii=False, sort_keys=True)
        return "registry:household-list:" + hashlib.sha256(text.encode()).hexdigest()


def household_search(user, filters: HouseholdFilters) -> HouseholdSearch:
    """Households in the user's scope matching the search box and filters, in list order (exports use it)."""
    query = _HouseholdQuery(user, filters)
    return HouseholdSearch(households=query.households().order_by(*LIST_ORDER), notes=query.notes)


# --- the household list's pages ----------------------------------------------------------------------------------
# A county administrator's list holds 300,000 households. Counting them and skipping to page 6,000 with
# OFFSET reads the whole range twice per request. Instead one grouped count gives the number of matching
# households in each village (a few hundred rows), kept in the cache; a page is then located village by
# village and read as a short range of household_list_idx (the villages it spans, skipping at most part of
# one village).

LIST_CACHE_SECONDS = 300


def registry_version() -> tuple:
    """A value that changes with every write that can change a household list, seen by every process.

    Services save through simple-history, which adds a history row; imports add rows with new keys and mark
    their batch applied in the same transaction. So the highest keys of households, persons and their
    history, and the latest applied import, move with every such write. Each is the end of an index (or a
    small table). A change made past all of these (raw SQL) shows once the cached counts expire.
    """
    tables = [
        (Household._meta.db_table, "id"),
        (Person._meta.db_table, "id"),
        (Household.history.model._meta.db_table, "history_id"),
        (Person.history.model._meta.db_table, "history_id"),
        (RegistryBatch._meta.db_table, "applied_at"),
    ]
    qn = connection.ops.quote_name
    columns = ", ".join(f"(SELECT MAX({qn(column)}) FROM {qn(table)})" for table, column in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")  # noqa: S608 - table and column names from the models
        return tuple(cursor.fetchone())


def _village_counts(query: _HouseholdQuery) -> list[tuple[str, int]]:
    """(region code, matching households) per village in list order; cached per scope, filters and version.

    Not cached inside a transaction: what it sees there may never be committed.
    """
    cacheable = not connection.in_atomic_block
    if cacheable:
        key = query.cache_key(registry_version())
        cached = cache.get(key)
        if cached is not None:
            return cached
    counts = query.village_counts()
    if cacheable:
        cache.set(key, counts, LIST_CACHE_SECONDS)
    return counts


class HouseholdPaginator(Paginator):
    """Django's paginator over per-village counts: the total without a COUNT, a page without a long OFFSET."""

    def __init__(self, query: _HouseholdQuery, village_counts: list[tuple[str, int]], per_page: int):
        super().__init__((), per_page)
        self._query = query
        self._codes = [code for code, _ in village_counts]
        sizes = [n for _, n in village_counts]
        self._starts = list(accumulate(sizes, initial=0))[:-1]   # list position of each village's first household
        self._total = sum(sizes)

    @property
    def count(self) -> int:
        return self._total

    def page(self, number) -> Page:
        number = self.validate_number(number)
        return self._get_page(self._rows((number - 1) * self.per_page), number, self)

    def _rows(self, offset: int) -> list[Household]:
        if offset >= self._total:
            return []
        first = bisect_right(self._starts, offset) - 1
        last = bisect_right(self._starts, min(offset + self.per_page, self._total) - 1) - 1
        skip = offset - self._starts[first]
        rows = (self._query.households(self._codes[first], self._codes[last])
                .select_related("village").order_by(*LIST_ORDER)[skip: skip + self.per_page])
        return list(rows)


@dataclass
class HouseholdListPage:
    page: Page
    notes: list[str]


def household_page(user, filters: HouseholdFilters, number, *, per_page: int = 50) -> HouseholdListPage:
    """One page of the household list; `number` as typed (not a number: the first page; too large: the last)."""
    query = _HouseholdQuery(user, filters)
    paginator = HouseholdPaginator(query, _village_counts(query), per_page)
    return HouseholdListPage(page=paginator.get_page(number), notes=query.notes)


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
