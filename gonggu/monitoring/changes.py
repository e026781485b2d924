"""新增、退出名单: the persons who became monitoring objects and those whose risk was eliminated in one month.

Seed 001 第二部分 二(二)5: "县级民政、乡村振兴部门每月将新增、退出困难群众名单抄送同级财政、卫生健康、医保部门,
协同做好风险研判和处置工作。" The list is derived from the monitoring records, never typed: 新增 are the in-register
members of households whose record was approved by the county (县级审批日期) in the month, 退出 those of households
whose risk was marked eliminated (风险消除日期) in the month. One row per person, as the receiving departments work
by person (医保 adjusts each person's assistance).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from gonggu.core.codes import Level, code_in_prefix, in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import mask
from gonggu.regions.models import Region
from gonggu.registry.choices import PersonStatus
from gonggu.registry.models import Person

from .models import MonitoringCase
from .report import Month, parse_month
from .workflow import CaseStatus

ADDED, EXITED = "新增", "退出"
HEADERS = ("变动类型", "乡镇", "村", "村代码", "户编号", "户主", "姓名", "与户主关系", "身份证号", "监测对象类型",
           "风险类型", "县级审批日期", "风险消除日期", "消除方式")
MONTHS_OFFERED = 24


@dataclass(frozen=True)
class ChangeRow:
    change: str
    township: str
    village: str
    region_code: str
    household_no: str
    head_name: str
    name: str
    relation: str
    id_number: str
    monitoring_type: str
    risk_types: str
    approved_on: dt.date | None
    eliminated_on: dt.date | None
    method: str

    def values(self, *, unmasked: bool = False) -> tuple:
        return (self.change, self.township, self.village, self.region_code, self.household_no, self.head_name,
                self.name, self.relation, self.id_number if unmasked else mask(self.id_number),
                self.monitoring_type, self.risk_types, self.approved_on or "", self.eliminated_on or "", self.method)


@dataclass
class MonthChanges:
    month: Month
    region: str                    # the chosen region code ("" = the whole scope)
    rows: list[ChangeRow]

    def count(self, change: str) -> tuple[int, int]:
        """(households, persons) of one change."""
        rows = [r for r in self.rows if r.change == change]
        return len({r.household_no for r in rows}), len(rows)


def month_options(today: dt.date) -> list[tuple[str, str]]:
    """The months a user picks from (the latest first): no month is typed."""
    out, year, month = [], today.year, today.month
    for _ in range(MONTHS_OFFERED):
        out.append((f"{year}-{month:02d}", f"{year}年{month}月"))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def region_options(user) -> list[Region]:
    """The townships and villages of the user's scope, for the region picker."""
    return list(Region.objects.filter(in_scope_q("code", user.scope_prefix),
                                      level__in=[Level.TOWNSHIP, Level.VILLAGE]).order_by("code"))


def _prefix(user, region: str) -> str:
    """The scope prefix of the chosen region; a region outside the user's scope is refused, not widened."""
    if not region:
        return user.scope_prefix
    found = Region.objects.filter(code=region).first()
    if found is None or not code_in_prefix(found.code, user.scope_prefix):
        raise UserFacingError("所选区域不在你管辖的范围内。")
    return found.prefix


def month_changes(user, *, month: str | None, region: str = "") -> MonthChanges:
    """The month's 新增 and 退出 persons within the user's scope (narrowed to `region` when chosen)."""
    chosen = parse_month(month)
    prefix = _prefix(user, region)
    in_month = Q(county_approved_on__gte=chosen.first, county_approved_on__lte=chosen.last)
    out_month = Q(eliminated_on__gte=chosen.first, eliminated_on__lte=chosen.last)
    cases = list(MonitoringCase.objects.filter(in_scope_q("region_code", prefix))
                 .exclude(status=CaseStatus.REJECTED).filter(in_month | out_month)
                 .select_related("household").order_by("region_code", "household__household_no", "id"))
    names = dict(Region.objects.filter(code__in={c.region_code for c in cases} |
                                       {c.region_code[:9].ljust(12, "0") for c in cases}).values_list("code", "name"))
    members: dict[int, list[Person]] = {}
    for p in (Person.objects.filter(household_id__in={c.household_id for c in cases}, status=PersonStatus.ACTIVE)
              .order_by("household_id", "id")):
        members.setdefault(p.household_id, []).append(p)
    rows = []
    for change, test in ((ADDED, lambda c: chosen.first <= (c.county_approved_on or dt.date.min) <= chosen.last),
                         (EXITED, lambda c: chosen.first <= (c.eliminated_on or dt.date.min) <= chosen.last)):
        for c in cases:
            if not test(c):
                continue
            hh = c.household
            for p in members.get(c.household_id, []):
                rows.append(ChangeRow(
                    change, names.get(c.region_code[:9].ljust(12, "0"), ""), names.get(c.region_code, ""),
                    c.region_code, hh.household_no, hh.head_name, p.name, p.relation, p.id_number,
                    c.get_monitoring_type_display() or "", c.risk_types.strip("、"), c.county_approved_on,
                    c.eliminated_on if change == EXITED else None,
                    c.get_elimination_method_display() if change == EXITED else ""))
    return MonthChanges(chosen, region, rows)
