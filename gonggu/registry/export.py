"""Exporting the registry in its interchange format (formats.md `registry`, REGISTRY_SPEC).

One row per active person, ordered by village, household number and relation (户主 first); the
household's income amounts go on the 户主 row (on the first row if the household has no active
head), 收入年度 on every row. Identity numbers are masked unless an unmasked export is asked for
(Perm.EXPORT_UNMASKED); both kinds are audited. Rows come from two set-based queries (persons
with their household's fields; income accounts), streamed into xlsxwriter's constant-memory mode.
Above one worksheet's limit the workbook gets one sheet per township. An unmasked export, read
back by the registry import, changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from gonggu.core.access import Perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import Level, code_range, in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import mask
from gonggu.core.jobs import Progress, job_running
from gonggu.dataio.writers import MAX_ROWS, write_xlsx
from gonggu.regions.selectors import regions_in_scope

from .choices import PersonStatus, Relation
from .models import IncomeAccount
from .selectors import HouseholdFilters, household_search, persons_for_user
from .spec import REGISTRY_SPEC

TEXT_COLUMNS = {c.name for c in REGISTRY_SPEC.columns if c.text}
WIDTHS = {c.name: c.width for c in REGISTRY_SPEC.columns}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_PERSON_VALUES = (
    "household_id", "household__region_code", "household__household_no", "household__household_type",
    "household__monitoring_type", "relation", "name", "id_number", "labour_ability", "health", "disability_grade",
    "school_status", "work_months", "work_place", "medical_insured", "household__relocated",
)


def _yes_no(value: bool | None) -> str:
    return "是" if value is True else "否" if value is False else ""


@dataclass
class RegistryExport:
    content: bytes
    persons: int
    households: int
    sheets: list[str]
    filename: str


def _relation_order():
    return Case(*(When(relation=r, then=Value(i)) for i, r in enumerate(Relation.values)),
                default=Value(99), output_field=IntegerField())


def _persons(user, filters: HouseholdFilters | None):
    qs = persons_for_user(user).filter(status=PersonStatus.ACTIVE)
    if filters is not None and filters.any:
        qs = qs.filter(household_id__in=household_search(user, filters).households.order_by().values("pk"))
    return qs


def _incomes(user, persons, filters: HouseholdFilters | None, year: int | None) -> dict[int, tuple]:
    """household id -> (year, wage, business, property, transfer, expense), for `year` or each one's latest."""
    if filters is not None and filters.any:
        accounts = IncomeAccount.objects.filter(household_id__in=persons.order_by().values("household_id"))
    else:
        accounts = IncomeAccount.objects.filter(in_scope_q("household__region_code", user.scope_prefix))
    if year is not None:
        accounts = accounts.filter(year=year)
    out: dict[int, tuple] = {}
    for row in accounts.order_by("household_id", "year").values_list(
            "household_id", "year", "wage", "business", "property", "transfer", "business_expense"):
        out[row[0]] = row[1:]  # ascending years: the last one kept is the latest
    return out


def registry_rows(persons, incomes: dict[int, tuple], *, year: int | None, unmasked: bool,
                  fallback_year: int | None, progress: Progress | None = None, done: list[int] | None = None,
                  total: int = 0) -> Iterator[list]:
    """Rows in REGISTRY_SPEC column order; `persons` ordered so that each household's rows are together."""
    ordered = persons.annotate(rel_order=_relation_order()).order_by(
        "household__region_code", "household__household_no", "household_id", "rel_order", "birth_date", "id")
    current = None
    for (hid, region_code, household_no, household_type, monitoring_type, relation, name, id_number, labour, health,
         grade, school, months, place, insured, relocated) in ordered.values_list(*_PERSON_VALUES).iterator(
            chunk_size=5000):
        income = incomes.get(hid)
        first = hid != current
        current = hid
        row_year = income[0] if income else (year or fallback_year)
        row = [region_code, household_no, household_type, monitoring_type, relation, name,
               id_number if unmasked else mask(id_number), labour, health, grade, school, months, place,
               _yes_no(insured), _yes_no(relocated), row_year]
        row += list(income[1:]) if (first and income) else [None] * 5
        yield row
        if done is not None:
            done[0] += 1
            if progress is not None and done[0] % 5000 == 0:
                progress(done[0], total)


def registry_export(*, user, filters: HouseholdFilters | None = None, year: int | None = None,
                    unmasked: bool = False, request=None, split_rows: int = MAX_ROWS,
                    progress: Progress | None = None) -> RegistryExport:
    """Build the workbook for the user's scope (or the filtered list) and write the audit record."""
    if not user.has_perm_code(Perm.EXPORT_PERSONAL):
        raise UserFacingError("你没有导出个人信息的权限。")
    if unmasked and not user.has_perm_code(Perm.EXPORT_UNMASKED):
        raise UserFacingError("你没有导出完整身份证号的权限。")
    persons = _persons(user, filters)
    incomes = _incomes(user, persons, filters, year)
    fallback_year = year or max((v[0] for v in incomes.values()), default=timezone.localdate().year - 1)
    total = persons.count()
    households = persons.order_by().values("household_id").distinct().count()
    headers = REGISTRY_SPEC.names
    done = [0]
    sheets: list[tuple[str, list[str], Iterator[list]]]
    townships = []
    if total > split_rows:
        # Too many for one worksheet: a sheet per township (a township still too large is split by the writer).
        townships = list(regions_in_scope(user.scope_prefix).filter(level=Level.TOWNSHIP)
                         .order_by("code").values_list("code", "name", "prefix"))
    if townships:
        sheets = []
        for code, name, prefix in townships:
            part = persons.filter(region_code__range=code_range(prefix))
            sheets.append((f"{name}{code[6:9]}", headers,
                           registry_rows(part, incomes, year=year, unmasked=unmasked, fallback_year=fallback_year,
                                         progress=progress, done=done, total=total)))
    else:
        sheets = [(REGISTRY_SPEC.title, headers,
                   registry_rows(persons, incomes, year=year, unmasked=unmasked, fallback_year=fallback_year,
                                 progress=progress, done=done, total=total))]
    content = write_xlsx(sheets, text_columns=TEXT_COLUMNS, widths=WIDTHS)
    if progress is not None:
        progress(total, total)
    region = user.region
    label = region.name if region is not None else "全部"
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    filename = f"农户台账_{label}_{stamp}{'_完整号码' if unmasked else ''}.xlsx"
    scope = user.scope_prefix or ""
    audit_log(user=user, request=request, action="export_pii" if unmasked else "export", object_type="registry",
              region_code=region.code if region is not None else "",
              summary=f"导出农户台账（{label}）{households} 户 {total} 人"
                      f"{'，含完整身份证号' if unmasked else '，身份证号已脱敏'}",
              detail={"filters": filters.as_query() if filters else {}, "year": year, "persons": total,
                      "households": households, "unmasked": unmasked, "scope": scope})
    return RegistryExport(content=content, persons=total, households=households,
                          sheets=[s[0] for s in sheets], filename=filename)


# --- large exports as background jobs -------------------------------------------------------------------------

# Above this many persons the page hands the export to the job worker (xlsxwriter writes about 100,000
# cells a second: a county of a million persons takes a couple of minutes, longer than a web request may).
INLINE_LIMIT = 50_000
JOB_KIND = "registry_export"


def export_person_count(user, filters: HouseholdFilters | None) -> int:
    return _persons(user, filters).count()


def export_path(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "exports" / "registry" / f"{job_id}.xlsx"


@db_task()
def registry_export_job(job_id: int, *, filters: dict, year: int | None, unmasked: bool) -> None:
    with job_running(job_id) as (job, progress):
        result = registry_export(user=job.created_by, filters=HouseholdFilters(**filters), year=year,
                                 unmasked=unmasked, progress=progress)
        path = export_path(job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(result.content)
        job.result = {"filename": result.filename, "persons": result.persons, "households": result.households,
                      "sheets": result.sheets, "unmasked": unmasked,
                      "next_url": reverse("household_export_download", args=[job_id])}
        job.message = f"已导出 {result.households} 户 {result.persons} 人，点击下方按钮下载。"
        if unmasked:
            job.message += f"文件含完整身份证号，{settings.GONGGU_UNMASKED_EXPORT_HOURS} 小时后自动删除，下载留痕。"


def export_expired(job) -> bool:
    """An export with full identity numbers is kept only GONGGU_UNMASKED_EXPORT_HOURS after it was made."""
    if not job.result.get("unmasked"):
        return False
    made = job.finished_at or job.updated_at
    return made < timezone.now() - dt.timedelta(hours=settings.GONGGU_UNMASKED_EXPORT_HOURS)


def export_purge_expired() -> int:
    """Delete the files of unmasked exports past their time; returns how many were deleted."""
    from gonggu.core.models import Job

    removed = 0
    for job in Job.objects.filter(kind=JOB_KIND, status=Job.Status.DONE, result__unmasked=True):
        path = export_path(job.pk)
        if export_expired(job) and path.exists():
            path.unlink()
            removed += 1
    return removed


@db_periodic_task(crontab(minute="17"), name="gonggu_purge_unmasked_exports")
def purge_unmasked_exports_job() -> None:
    export_purge_expired()
