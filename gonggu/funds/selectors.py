"""Reads of projects, funds and assets for pages: scoped to the user's region (out of scope = missing), one
query per figure, every figure from the ledgers themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from gonggu.core.access import get_in_scope
from gonggu.core.codes import in_scope_q
from gonggu.rules.catalog import CATALOG
from gonggu.rules.models import Finding
from gonggu.rules.selectors import latest_runs, live_counts

from .models import (
    Asset,
    AssetIncome,
    FundAllocation,
    FundUse,
    Payment,
    Project,
    ProjectBeneficiary,
    ProjectStatus,
)


def projects_for_user(user, *, status: str = "", year: int | None = None, q: str = "") -> QuerySet:
    qs = Project.objects.filter(in_scope_q("region_code", user.scope_prefix))
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(project_no=q))
    return qs.order_by("-year", "region_code", "project_no")


def project_get_for_user(user, pk: int) -> Project:
    return get_in_scope(Project, user, pk, what="项目")


@dataclass
class ProjectLife:
    """A project from plan to income: its steps, the money arranged and paid, its assets and their income."""

    project: Project
    events: list
    uses: list
    payments: list
    assets: list
    incomes: list
    beneficiaries: int
    arranged: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    income_total: Decimal = Decimal(0)
    distributed: Decimal = Decimal(0)
    allocations: dict = field(default_factory=dict)


def project_life(project: Project) -> ProjectLife:
    county = project.region_code[:6]
    same_county = Q(region_code__startswith=county)
    uses = list(FundUse.objects.filter(same_county, project_no=project.project_no).order_by("executed_on", "id"))
    allocations = {(a.region_code, a.doc_no): a for a in FundAllocation.objects.filter(
        same_county, doc_no__in={u.doc_no for u in uses})}
    for use in uses:
        use.allocation = allocations.get((use.region_code, use.doc_no))
    payments = list(Payment.objects.filter(same_county, project_no=project.project_no).order_by("paid_on", "id"))
    assets = list(Asset.objects.filter(same_county, project_no=project.project_no).order_by("asset_no"))
    incomes = list(AssetIncome.objects.filter(same_county, asset_no__in=[a.asset_no for a in assets])
                   .order_by("asset_no", "year"))
    return ProjectLife(
        project=project, events=list(project.events.select_related("actor")), uses=uses, payments=payments,
        assets=assets, incomes=incomes,
        beneficiaries=ProjectBeneficiary.objects.filter(same_county, project_no=project.project_no).count(),
        arranged=sum((u.amount for u in uses), Decimal(0)), paid=sum((p.amount for p in payments), Decimal(0)),
        income_total=sum((i.income for i in incomes), Decimal(0)),
        distributed=sum((i.distributed for i in incomes), Decimal(0)), allocations=allocations)


def funds_overview(user) -> dict:
    """The figures of the funds page: projects by status, funds by year and level, assets by class."""
    scope = in_scope_q("region_code", user.scope_prefix)
    by_status = dict(Project.objects.filter(scope).values_list("status").annotate(n=Count("id")))
    statuses = [(value, label, by_status.get(value, 0)) for value, label in ProjectStatus.choices]
    allocated = list(FundAllocation.objects.filter(scope).values("year", "source").annotate(
        amount=Sum("amount"), n=Count("id")).order_by("-year", "source"))
    arranged = dict(FundUse.objects.filter(scope).values_list("doc_no").annotate(total=Sum("amount")))
    docs = list(FundAllocation.objects.filter(scope).values_list("year", "source", "doc_no"))
    for row in allocated:
        row["arranged"] = sum((arranged.get(doc, Decimal(0)) for y, s, doc in docs
                               if y == row["year"] and s == row["source"]), Decimal(0))
    paid = Payment.objects.filter(scope).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    assets = list(Asset.objects.filter(scope).values("asset_class").annotate(
        n=Count("id"), value=Sum("value"), pv=Count("id", filter=Q(photovoltaic=True))).order_by("asset_class"))
    return {"statuses": statuses, "allocated": allocated, "paid": paid, "assets": assets,
            "projects": sum(by_status.values())}


def rule_figures(user) -> list[dict]:
    """Each funds rule with its findings in the user's region, read from the latest stored run (台账核查)."""
    from .rule_defs import RULE_CODES

    counts = live_counts(user, list(RULE_CODES))
    return [{"rule": CATALOG.rules[code], "count": counts[code].count if code in counts else None}
            for code in RULE_CODES]


def project_findings(user, project: Project) -> list[Finding]:
    """The stored findings of the funds rules that name this project (or its assets) in their evidence."""
    from .rule_defs import RULE_CODES

    runs = latest_runs(user.scope_prefix, list(RULE_CODES))
    if not runs:
        return []
    q = Q()
    for code, run in runs.items():
        q |= Q(run_id=run.pk, rule=code)
    # The rules naming a project or an asset place their finding in its village: reading those villages only
    # lets the (run, rule, region) index answer instead of reading every finding of the county.
    assets = list(Asset.objects.filter(project_no=project.project_no, region_code__startswith=project.region_code[:6])
                  .values_list("asset_no", "region_code"))
    numbers = [project.project_no, *(no for no, _code in assets)]
    named = Q()
    for number in numbers:
        named |= Q(evidence__contains=f'"{number}"')
    places = {project.region_code, *(code for _no, code in assets)}
    return list(Finding.objects.filter(q).filter(named, region_code__in=places).order_by("rule"))
