"""Checks across fields and rows of the employment ledgers (`LedgerKind.check_rows`).

An import rejects the rows they name into the 退回表 with the reason, a form refuses the row; nothing is
stored half-right. Each check reads the database once for all candidate rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from .models import PostAttendance, PublicPost

Problems = dict[int, list[tuple[str, str]]]


def _add(problems: Problems, index: int, field: str, reason: str) -> None:
    problems.setdefault(index, []).append((field, reason))


def check_public_posts(rows: list[dict]) -> Problems:
    problems: Problems = {}
    for i, row in enumerate(rows):
        start, end = row.get("start_date"), row.get("end_date")
        if start and end and end < start:
            _add(problems, i, "end_date", f"退岗日期 {end} 早于上岗日期 {start}")
    return problems


def check_work_records(rows: list[dict]) -> Problems:
    problems: Problems = {}
    for i, row in enumerate(rows):
        year, paid_on = row.get("year"), row.get("transport_paid_on")
        if year and paid_on and paid_on.year < year:
            _add(problems, i, "transport_paid_on", f"交通补助发放日期 {paid_on} 早于务工年度 {year} 年")
        if row.get("transport_subsidy") and row.get("place") and row["place"] != "省外":
            _add(problems, i, "transport_subsidy", f"跨省交通补助只发给省外务工人员，此人务工地点为「{row['place']}」")
    return problems


def check_work_targets(rows: list[dict]) -> Problems:
    problems: Problems = {}
    for i, row in enumerate(rows):
        code = row.get("region_code") or ""
        if len(code) != 12 or code[6:9] == "000" or code[9:] != "000":
            _add(problems, i, "target", f"务工就业目标任务按乡镇下达：{code} 不是乡镇（街道）的区划代码")
    return problems


def _month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def check_attendance(rows: list[dict]) -> Problems:
    """The month lies in a term of the person's post of that name; one post per person per month; the
    days fit the month; the subsidy is paid after the month began and not above what is due."""
    problems: Problems = {}
    persons = {r["person_id"] for r in rows if r.get("person_id")}
    terms: dict[tuple[int, str], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for pid, name, start, end in PublicPost.objects.filter(person_id__in=persons).values_list(
            "person_id", "post_name", "start_date", "end_date"):
        terms[pid, name].append((start, end))
    # Months already recorded for another post (the row being edited, or re-imported, is not "another").
    taken: dict[tuple[int, dt.date], set[str]] = defaultdict(set)
    editing = [r["row_id"] for r in rows if r.get("row_id")]
    for pid, name, month in PostAttendance.objects.filter(person_id__in=persons).exclude(pk__in=editing).values_list(
            "person_id", "post_name", "month"):
        taken[pid, month].add(name)
    seen: dict[tuple[int, dt.date], tuple[int, str]] = {}
    for i, row in enumerate(rows):
        pid, name, month = row.get("person_id"), row.get("post_name"), row.get("month")
        if not (pid and name and month):
            continue
        month = month.replace(day=1)
        spans = terms.get((pid, name), [])
        if not spans:
            _add(problems, i, "post_name", f"公益岗位台账中此人没有「{name}」岗位：请先登记岗位安置")
        elif not any(start.replace(day=1) <= month and (end is None or month <= end) for start, end in spans):
            shown = "；".join(f"{s} 至 {e or '今'}" for s, e in spans)
            _add(problems, i, "month", f"{month:%Y-%m} 不在此人「{name}」岗位的聘用期内（{shown}）")
        others = taken.get((pid, month), set()) - {name}
        if others:
            _add(problems, i, "post_name", f"此人 {month:%Y-%m} 已有「{'、'.join(sorted(others))}」岗位的考勤，一人不得同月在两个岗位")
        elif (pid, month) in seen and seen[pid, month][1] != name:
            _add(problems, i, "post_name", f"此人 {month:%Y-%m} 在本表中已有「{seen[pid, month][1]}」岗位的考勤，"
                                           "一人不得同月在两个岗位")
        seen.setdefault((pid, month), (i, name))
        days = row.get("days")
        if days is not None and days > _month_end(month).day:
            _add(problems, i, "days", f"出勤天数 {days} 超过 {month:%Y-%m} 的天数")
        paid_on = row.get("paid_on")
        if paid_on and paid_on < month:
            _add(problems, i, "paid_on", f"发放日期 {paid_on} 早于考勤月份 {month:%Y-%m}")
        due, paid = row.get("subsidy_due"), row.get("subsidy_paid")
        if due is not None and paid is not None and paid > due:
            _add(problems, i, "subsidy_paid", f"实发补贴 {paid} 元多于应发补贴 {due} 元")
    return problems


def check_workshops(rows: list[dict]) -> Problems:
    """Dates in order; a name once per county (workers are recorded against it)."""
    from .models import Workshop

    problems: Problems = {}
    counties = {(r.get("region_code") or "")[:6] for r in rows}
    editing = [r["row_id"] for r in rows if r.get("row_id")]
    used: dict[tuple[str, str], str] = {}
    for county in counties:
        for code, name in Workshop.objects.filter(region_code__startswith=county).exclude(pk__in=editing).values_list(
                "region_code", "name"):
            used[county, name] = code
    for i, row in enumerate(rows):
        start, end = row.get("recognised_on"), row.get("closed_on")
        if start and end and end < start:
            _add(problems, i, "closed_on", f"停办日期 {end} 早于认定日期 {start}")
        code, name = row.get("region_code") or "", row.get("name")
        other = used.get((code[:6], name))
        if other and other != code:
            _add(problems, i, "name", f"本县已有名为「{name}」的车间（区划 {other}），请用不同的名称区分")
        used.setdefault((code[:6], name), code)
    return problems


def check_workshop_workers(rows: list[dict]) -> Problems:
    from .models import Workshop

    problems: Problems = {}
    counties = {(r.get("region_code") or "")[:6] for r in rows}
    names = set()
    for county in counties:
        names |= {(county, n) for n in Workshop.objects.filter(region_code__startswith=county).values_list(
            "name", flat=True)}
    for i, row in enumerate(rows):
        start, end = row.get("start_date"), row.get("end_date")
        if start and end and end < start:
            _add(problems, i, "end_date", f"离职日期 {end} 早于入职日期 {start}")
        name = row.get("workshop_name")
        if name and ((row.get("region_code") or "")[:6], name) not in names:
            _add(problems, i, "workshop_name", f"本县的帮扶车间台账中没有「{name}」：请先登记车间，或核对名称")
    return problems


def check_rain_dew(rows: list[dict]) -> Problems:
    problems: Problems = {}
    for i, row in enumerate(rows):
        year, grad, dest, paid_on = (row.get(k) for k in ("year", "graduation_year", "destination", "paid_on"))
        if year and grad and grad < year:
            _add(problems, i, "graduation_year", f"毕业年度 {grad} 早于补助学年 {year}")
        if dest and not grad:
            _add(problems, i, "destination", "填了毕业去向，但没有填毕业年度")
        if year and paid_on and paid_on.year < year:
            _add(problems, i, "paid_on", f"补助发放日期 {paid_on} 早于补助学年 {year}")
    return problems


def check_resettlement_sites(rows: list[dict]) -> Problems:
    """Persons not fewer than households; a site name once per county (households are recorded against it)."""
    from .models import ResettlementSite

    problems: Problems = {}
    counties = {(r.get("region_code") or "")[:6] for r in rows}
    editing = [r["row_id"] for r in rows if r.get("row_id")]
    used: dict[tuple[str, str], str] = {}
    for county in counties:
        for code, name in (ResettlementSite.objects.filter(region_code__startswith=county).exclude(pk__in=editing)
                           .values_list("region_code", "name")):
            used[county, name] = code
    for i, row in enumerate(rows):
        households, persons = row.get("households"), row.get("persons")
        if households is not None and persons is not None and persons < households:
            _add(problems, i, "persons", f"搬迁人数 {persons} 少于搬迁户数 {households}")
        code, name = row.get("region_code") or "", row.get("name")
        other = used.get((code[:6], name))
        if other and other != code:
            _add(problems, i, "name", f"本县已有名为「{name}」的安置点（区划 {other}），请用不同的名称区分")
        used.setdefault((code[:6], name), code)
    return problems


def check_relocated_households(rows: list[dict]) -> Problems:
    """The site is in the county's 安置点 ledger; the person in stable employment is a member of the household."""
    from gonggu.registry.choices import PersonStatus
    from gonggu.registry.models import Person

    from .models import ResettlementSite

    problems: Problems = {}
    counties = {(r.get("region_code") or "")[:6] for r in rows}
    sites = set()
    for county in counties:
        sites |= {(county, n) for n in ResettlementSite.objects.filter(region_code__startswith=county).values_list(
            "name", flat=True)}
    members: dict[int, set[str]] = defaultdict(set)
    for household_id, name in Person.objects.filter(
            household_id__in={r["household_id"] for r in rows if r.get("household_id")},
            status=PersonStatus.ACTIVE).values_list("household_id", "name"):
        members[household_id].add(name)
    for i, row in enumerate(rows):
        name = row.get("site_name")
        if name and ((row.get("region_code") or "")[:6], name) not in sites:
            _add(problems, i, "site_name", f"本县的易地搬迁安置点台账中没有「{name}」：请先登记安置点，或核对名称")
        worker = row.get("worker_name")
        if worker and row.get("household_id") and worker not in members[row["household_id"]]:
            _add(problems, i, "worker_name", f"稳定就业人员「{worker}」不是本户在册成员")
    return problems
