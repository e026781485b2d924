"""The checks a project, fund or payment row must pass before it is stored — one set of functions for the
import (many rows, a few queries), the entry form and the services (one row).

Each check returns {row index: (model field, reason)}; the ledger kinds' `check_rows` (ledger_defs.py) hand
them to the import, which rejects those rows into its 退回表 under the field's column, and to the entry form;
a service shows the reason. Sums (an allocation arranged beyond its amount, payments beyond a project's
budget) count the rows already stored, except those the new rows replace, plus the new rows in file order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from gonggu.core.codes import code_in_prefix

from .models import Asset, FundAllocation, FundUse, Payment, Project
from .workflow import dates_problem

FUND_FIELDS = ("central_funds", "provincial_funds", "city_funds", "county_funds", "other_funds")


def county_of(code: str) -> str:
    return code[:6]


def project_problem(values: dict) -> tuple[str, str] | None:
    """One project's own values: funds given, dates in order, the library's preconditions."""
    total = sum((values.get(f) or Decimal(0)) for f in FUND_FIELDS)
    if total <= 0:
        return "central_funds", "没有填写计划资金：中央、省、市、县衔接资金和其他资金至少填一项"
    problem = dates_problem(values)
    if problem:
        return "proposed_on", f"日期顺序有误：{problem}"
    if values.get("entered_on") is not None:
        if not (values.get("performance_targets") or "").strip():
            return "performance_targets", "已入库的项目必须有绩效目标（没有绩效目标的不得纳入项目库）"
        if values.get("operating") and not (values.get("link_mechanism") or "").strip():
            return "link_mechanism", "经营性项目没有联农带农机制，不得纳入项目库"
    return four_batch_problem(values)


FOUR_BATCH_FIELDS = ("four_batch", "four_batch_on", "four_batch_by", "four_batch_basis")


def four_batch_problem(values: dict) -> tuple[str, str] | None:
    """四个一批: an industry project already completed is classified with its class, date, who and basis together."""
    given = [f for f in FOUR_BATCH_FIELDS if values.get(f) not in (None, "")]
    if not given:
        return None
    if values.get("project_type") not in (None, "产业发展"):
        return "four_batch", "“四个一批”分类只适用于产业发展类项目"
    missing = [f for f in FOUR_BATCH_FIELDS if f not in given]
    if missing:
        labels = {"four_batch": "分类", "four_batch_on": "分类日期", "four_batch_by": "分类认定单位（人）",
                  "four_batch_basis": "分类依据"}
        return missing[0], f"“四个一批”分类须同时填写分类、分类日期、认定单位（人）和依据，缺少{'、'.join(labels[m] for m in missing)}"
    completed = values.get("completed_on")
    if completed is None:
        return "four_batch", "项目尚未竣工，不能作“四个一批”分类"
    if values["four_batch_on"] < completed:
        return "four_batch_on", f"分类日期（{values['four_batch_on']:%Y-%m-%d}）早于竣工日期（{completed:%Y-%m-%d}）"
    return None


def project_numbers_taken(rows: list[tuple[int, str, str]]) -> dict[int, tuple[str, str]]:
    """(index, project_no, region_code): a number already used by a project of another village is refused."""
    numbers = {no for _i, no, _code in rows}
    where = dict(Project.objects.filter(project_no__in=numbers).values_list("project_no", "region_code"))
    return {i: ("project_no", f"项目编号 {no} 已用于另一村（{where[no]}）的项目")
            for i, no, code in rows if no in where and where[no] != code}


@dataclass
class UseRow:
    index: int
    region_code: str
    doc_no: str
    project_no: str
    amount: Decimal
    executed_on: object
    replaces: int | None = None    # the stored row this one updates


def fund_use_problems(rows: list[UseRow], *, prefix: str | None) -> dict[int, tuple[str, str]]:
    """预算执行 rows: the allocation and the project exist in the county (and in the user's region), the
    execution is not before the allocation, and an allocation is not arranged beyond its amount."""
    problems: dict[int, tuple[str, str]] = {}
    docs = {r.doc_no for r in rows}
    allocations = {(a.region_code, a.doc_no): a for a in FundAllocation.objects.filter(doc_no__in=docs)}
    projects = {(county_of(code), no): code for no, code in Project.objects.filter(
        project_no__in={r.project_no for r in rows}).values_list("project_no", "region_code")}
    replaced = {r.replaces for r in rows if r.replaces}
    used: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for code, doc, amount in (FundUse.objects.filter(doc_no__in=docs).exclude(pk__in=replaced)
                              .values_list("region_code", "doc_no").annotate(total=Sum("amount"))):
        used[(code, doc)] += amount
    for r in rows:
        county = county_of(r.region_code)
        allocation = allocations.get((r.region_code, r.doc_no))
        if allocation is None:
            problems[r.index] = ("doc_no", f"该单位没有文号为「{r.doc_no}」的资金下达记录，请先登记资金下达")
            continue
        project_code = projects.get((county, r.project_no))
        if project_code is None:
            problems[r.index] = ("project_no", f"本县项目库中没有编号为「{r.project_no}」的项目")
            continue
        if prefix is not None and not code_in_prefix(project_code, prefix):
            problems[r.index] = ("project_no", "该项目不在你管辖的区域内")
            continue
        if r.executed_on < allocation.issued_on:
            problems[r.index] = ("executed_on", f"预算执行日期早于资金下达日期（{allocation.issued_on:%Y-%m-%d}）")
            continue
        key = (r.region_code, r.doc_no)
        if used[key] + r.amount > allocation.amount:
            left = allocation.amount - used[key]
            problems[r.index] = ("amount", f"超出下达金额：文号「{r.doc_no}」下达 {allocation.amount} 元，"
                                                  f"已安排 {used[key]} 元，尚可安排 {left} 元")
            continue
        used[key] += r.amount
    return problems


@dataclass
class PaymentRow:
    index: int
    region_code: str
    project_no: str
    amount: Decimal
    replaces: int | None = None


def payment_problems(rows: list[PaymentRow], *, prefix: str | None) -> dict[int, tuple[str, str]]:
    """拨付 rows: the project exists in the county and payments in all stay within its budget (预算执行 of
    the allocations arranged to it)."""
    problems: dict[int, tuple[str, str]] = {}
    numbers = {r.project_no for r in rows}
    projects = {(county_of(code), no): code for no, code in Project.objects.filter(
        project_no__in=numbers).values_list("project_no", "region_code")}
    budget: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for code, no, total in (FundUse.objects.filter(project_no__in=numbers).values_list("region_code", "project_no")
                            .annotate(total=Sum("amount"))):
        budget[(county_of(code), no)] += total
    replaced = {r.replaces for r in rows if r.replaces}
    paid: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for code, no, total in (Payment.objects.filter(project_no__in=numbers).exclude(pk__in=replaced)
                            .values_list("region_code", "project_no").annotate(total=Sum("amount"))):
        paid[(county_of(code), no)] += total
    for r in rows:
        key = (county_of(r.region_code), r.project_no)
        project_code = projects.get(key)
        if project_code is None:
            problems[r.index] = ("project_no", f"本县项目库中没有编号为「{r.project_no}」的项目")
            continue
        if prefix is not None and not code_in_prefix(project_code, prefix):
            problems[r.index] = ("project_no", "该项目不在你管辖的区域内")
            continue
        if paid[key] + r.amount > budget[key]:
            problems[r.index] = ("amount", f"拨付超出预算：项目已安排资金 {budget[key]} 元，已拨付 {paid[key]} 元，"
                                                  f"本次 {r.amount} 元")
            continue
        paid[key] += r.amount
    return problems


def asset_problems(rows: list[tuple[int, str, str, str]]) -> dict[int, tuple[str, str]]:
    """(index, region_code, asset_no, project_no): the forming project, when given, exists in the county;
    an asset number is not used by an asset of another village."""
    problems: dict[int, tuple[str, str]] = {}
    projects = {(county_of(code), no) for no, code in Project.objects.filter(
        project_no__in={p for *_x, p in rows if p}).values_list("project_no", "region_code")}
    taken = dict(Asset.objects.filter(asset_no__in={a for _i, _c, a, _p in rows}).values_list("asset_no", "region_code"))
    for i, code, asset_no, project_no in rows:
        if asset_no in taken and taken[asset_no] != code:
            problems[i] = ("asset_no", f"资产编号 {asset_no} 已用于另一村（{taken[asset_no]}）的资产")
        elif project_no and (county_of(code), project_no) not in projects:
            problems[i] = ("project_no", f"本县项目库中没有编号为「{project_no}」的项目")
    return problems


def income_problems(rows: list[tuple[int, str, str, Decimal, Decimal]]) -> dict[int, tuple[str, str]]:
    """(index, region_code, asset_no, income, distributed): the asset exists in the county; no more is
    distributed than was earned."""
    problems: dict[int, tuple[str, str]] = {}
    known = {(county_of(code), no) for no, code in Asset.objects.filter(
        asset_no__in={r[2] for r in rows}).values_list("asset_no", "region_code")}
    for i, code, asset_no, income, distributed in rows:
        if (county_of(code), asset_no) not in known:
            problems[i] = ("asset_no", f"本县资产台账中没有编号为「{asset_no}」的资产")
        elif distributed > income:
            problems[i] = ("distributed", f"已分配金额 {distributed} 元超过收益金额 {income} 元")
    return problems



def asset_row_problem(values: dict) -> tuple[str, str] | None:
    """One asset's own values: a 光伏 station has its rates; rates are percentages; dates in order."""
    for name, label in (("pv_fault_rate", "故障率（%）"), ("pv_online_rate", "实时在线率（%）")):
        rate = values.get(name)
        if rate is not None and not Decimal(0) <= rate <= Decimal(100):
            return name, f"{label}应在 0 到 100 之间"
    if values.get("photovoltaic") and (values.get("pv_fault_rate") is None or values.get("pv_online_rate") is None):
        return "pv_fault_rate", "光伏帮扶电站须填写故障率和实时在线率"
    formed, registered = values.get("formed_on"), values.get("registered_on")
    if formed and registered and registered < formed:
        return "registered_on", f"确权登记日期早于形成日期（{formed:%Y-%m-%d}）"
    return None
