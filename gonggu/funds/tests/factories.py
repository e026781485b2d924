"""Test helpers for the fund, project and asset ledgers: rows written directly, as an import would."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from ..models import (
    Asset,
    AssetIncome,
    ConsumptionPurchase,
    FundAllocation,
    FundInspection,
    FundUse,
    Payment,
    Project,
)

_seq = itertools.count(1)
LONG_AGO = dt.date(2020, 1, 10)


def project(region_code: str, *, project_type: str = "产业发展", central: str = "0", provincial: str = "1000",
            entered: dt.date | None = LONG_AGO, targets: str = "带动脱贫户 10 户", link: str = "务工带动",
            operating: bool = False, no: str | None = None, **fields) -> Project:
    values = dict(project_no=no or f"XM{next(_seq):05d}", name=f"项目{next(_seq)}", year=2025,
                  project_type=project_type, operating=operating, central_funds=Decimal(central),
                  provincial_funds=Decimal(provincial), link_mechanism=link, performance_targets=targets,
                  proposed_on=dt.date(2020, 1, 2), reviewed_on=dt.date(2020, 1, 5) if entered else None,
                  entered_on=entered, status="library" if entered else "proposed")
    values.update(fields)
    return Project.objects.create(region_code=region_code, **values)


def allocation(region_code: str, *, issued: dt.date = dt.date(2025, 3, 3), source: str = "省级",
               amount: str = "100000", year: int | None = None, doc_no: str | None = None) -> FundAllocation:
    return FundAllocation.objects.create(region_code=region_code, doc_no=doc_no or f"财农〔{next(_seq)}〕号",
                                         issued_on=issued, year=year or issued.year, source=source,
                                         amount=Decimal(amount))


def fund_use(alloc: FundAllocation, proj: Project, *, executed: dt.date | None = None, amount: str = "1000") -> FundUse:
    return FundUse.objects.create(region_code=alloc.region_code, doc_no=alloc.doc_no, project_no=proj.project_no,
                                  executed_on=executed or alloc.issued_on, amount=Decimal(amount))


def payment(proj: Project, *, region_code: str, amount: str = "100", paid: dt.date = dt.date(2025, 4, 1)) -> Payment:
    return Payment.objects.create(region_code=region_code, voucher_no=f"PZ{next(_seq)}", project_no=proj.project_no,
                                  paid_on=paid, kind="进度款", amount=Decimal(amount))


def asset(region_code: str, *, project_no: str = "", asset_class: str = "经营性", value: str = "50000",
          **fields) -> Asset:
    values = dict(asset_no=f"ZC{next(_seq):05d}", name=f"资产{next(_seq)}", project_no=project_no,
                  asset_class=asset_class, owner="村股份经济合作社", manager="村集体", value=Decimal(value))
    values.update(fields)
    return Asset.objects.create(region_code=region_code, **values)


def income(a: Asset, *, year: int = 2024, amount: str = "10000", distributed: str = "8000",
           distribution: str = "与劳动或条件挂钩") -> AssetIncome:
    return AssetIncome.objects.create(region_code=a.region_code, asset_no=a.asset_no, year=year,
                                      income=Decimal(amount), distributed=Decimal(distributed),
                                      distribution=distribution, plan_published=True)


def funded(region_code: str, shares: list[tuple[str, str]], *, source: str = "省级", year: int = 2025,
           issued: dt.date | None = None, entered: dt.date | None = LONG_AGO, **project_fields) -> FundAllocation:
    """An allocation arranged on its day of issue to one project per (project type, amount)."""
    total = sum(Decimal(a) for _t, a in shares)
    alloc = allocation(region_code, issued=issued or dt.date(year, 3, 3), source=source, amount=str(total),
                       year=year)
    for project_type, amount in shares:
        fund_use(alloc, project(region_code, project_type=project_type, entered=entered, **project_fields),
                 amount=amount)
    return alloc


def purchase(region_code: str, *, canteen: str = "100000", platform: str = "10000", year: int = 2024,
             unit: str | None = None) -> ConsumptionPurchase:
    return ConsumptionPurchase.objects.create(region_code=region_code, unit=unit or f"单位{next(_seq)}", year=year,
                                              canteen_purchases=Decimal(canteen), platform_purchases=Decimal(platform))


def inspection(region_code: str, on: dt.date, *, scope: str = "全县衔接资金项目", findings: str = "") -> FundInspection:
    return FundInspection.objects.create(region_code=region_code, inspected_on=on, inspectors="县财政局督查组",
                                         scope=scope, findings=findings)


def classified(region_code: str, *, completed: dt.date, on: dt.date | None, batch: str = "巩固",
               project_type: str = "产业发展", **fields) -> Project:
    """A project completed on `completed`, classified 四个一批 on `on` (None: never)."""
    extra = dict(four_batch=batch, four_batch_on=on, four_batch_by="县农业农村局",
                 four_batch_basis="经营正常，带农效果好") if on else {}
    return project(region_code, project_type=project_type, started_on=completed - dt.timedelta(days=90),
                   completed_on=completed, **extra, **fields)
