"""Taking a year's work over into the work-by-year ledger (务工就业台账) from where it already is.

The registry keeps one 务工月数 and 务工地点 per person, overwritten by each import; 人社's 就业务工名单
(department list `rs_employment`) says who works, where and how long as of its date. Neither keeps last year.
`work_year_take_over` copies one year's values into `WorkRecord` rows (one per person and year), so every
year stays as it was. Rows of that year that came from another source (a village survey, 人社's own ledger
import) are kept as they are: the take-over fills gaps and refreshes its own rows, it never overwrites
what an office entered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from gonggu.core.codes import in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.registry.choices import PersonStatus, WorkPlace
from gonggu.registry.models import Person
from gonggu.sources.models import Fact

from .models import WorkRecord

PLACES = {"县内": WorkPlace.IN_COUNTY, "县内务工": WorkPlace.IN_COUNTY, "省内县外": WorkPlace.IN_PROVINCE,
          "县外省内": WorkPlace.IN_PROVINCE, "省内": WorkPlace.IN_PROVINCE, "省外": WorkPlace.OUT_PROVINCE,
          "跨省": WorkPlace.OUT_PROVINCE}
SOURCES = {"registry": WorkRecord.Source.REGISTRY, "rs": WorkRecord.Source.RS_LIST}


@dataclass
class TakeOver:
    year: int
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0          # rows of the year from another source, left as they were
    dry_run: bool = False

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def message(self) -> str:
        return (f"{self.year} 年务工记录（来源：{self.source}）：新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}，"
                f"保留其他来源 {self.kept}" + ("（试运行，未写入）" if self.dry_run else ""))


def _from_registry(prefix: str | None) -> dict[int, tuple[int, int, str, str, int, str]]:
    rows = Person.objects.filter(in_scope_q("region_code", prefix), status=PersonStatus.ACTIVE,
                                 work_months__isnull=False).filter(Q(work_months__gt=0) | ~Q(work_place=""))
    return {pid: (hid, code, number, months, place or "")
            for pid, hid, code, number, months, place in rows.values_list(
                "id", "household_id", "region_code", "id_number", "work_months", "work_place")}


def _from_rs(prefix: str | None, year: int) -> dict[int, tuple[int, str, str, int, str]]:
    """The latest row of 人社's list per person among the lists dated in the year (as the rules read them)."""
    latest: dict[str, Fact] = {}
    for fact in Fact.objects.filter(source="rs_employment", as_of__year=year).order_by(
            "as_of", "batch_id", "row_number").only("id_number", "status", "months", "place"):
        latest[fact.id_number] = fact
    persons = Person.objects.filter(in_scope_q("region_code", prefix), id_number__in=list(latest)).values_list(
        "id", "household_id", "region_code", "id_number")
    out = {}
    for pid, hid, code, number in persons:
        fact = latest[number]
        months = fact.months if fact.months is not None else 0
        if fact.status != "已就业" and not months:
            continue
        out[pid] = (hid, code, number, months, PLACES.get((fact.place or "").strip(), ""))
    return out


def work_year_take_over(*, year: int, source: str, prefix: str | None, user=None, dry_run: bool = False) -> TakeOver:
    """Copy `year`'s work of every person in `prefix` from the registry ("registry") or 人社's list ("rs")."""
    if source not in SOURCES:
        raise UserFacingError(f"未知的来源「{source}」，可选：registry（农户台账）、rs（人社就业务工名单）。")
    if not 2000 <= year <= timezone.localdate().year:
        raise UserFacingError(f"年度 {year} 不对：应为 2000 年至今年之间。")
    label = SOURCES[source]
    values = _from_registry(prefix) if source == "registry" else _from_rs(prefix, year)
    result = TakeOver(year=year, source=str(label), dry_run=dry_run)
    existing = {r.person_id: r for r in WorkRecord.objects.filter(year=year, person_id__in=list(values))}
    creates, updates = [], []
    now = timezone.now()
    for pid, (hid, code, number, months, place) in values.items():
        row = existing.get(pid)
        if row is None:
            creates.append(WorkRecord(region_code=code, person_id=pid, household_id=hid, id_number=number, year=year,
                                      months=months, place=place, source=label, created_by=user, updated_by=user))
        elif row.source != label:
            result.kept += 1
        elif (row.months, row.place) == (months, place):
            result.unchanged += 1
        else:
            row.months, row.place, row.updated_by, row.updated_at = months, place, user, now
            updates.append(row)
    result.created, result.updated = len(creates), len(updates)
    if not dry_run:
        with transaction.atomic():
            if creates:
                bulk_create_with_history(creates, WorkRecord, batch_size=2000, default_user=user)
            if updates:
                bulk_update_with_history(updates, WorkRecord, ["months", "place", "updated_by", "updated_at"],
                                         batch_size=2000, default_user=user)
    return result
