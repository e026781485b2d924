"""Demo data of 考核评估: negative items of the year and a rectification ledger with a problem in each status."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from gonggu.core.codes import in_scope_q

from . import services
from .figures import FIGURES, EvalContext, evaluate
from .models import IndicatorSystem, NegativeItem, Problem

NEGATIVE = [
    ("某村危房改造质量不达标", "省委省政府通报批评"),
    ("某村危房改造质量不达标", "被主流媒体曝光造成重大不良影响"),
    ("监测户收入数据不实", "形式主义官僚主义数据造假"),
]


def _evidence(user, problem, name: str) -> None:
    services.problem_evidence_add(user=user, problem=problem,
                                  uploaded=SimpleUploadedFile(name, "整改佐证材料（示例）".encode()))


# Plausible rural incomes and growth for the demo's years (not official statistics), set only where missing.
DEMO_RURAL_INCOME = {"rural_income_province": 19500, "rural_income_national": 20100}
DEMO_NATIONAL_GROWTH = "0.066"


def _income_params(ctx, user) -> int:
    from decimal import Decimal

    from gonggu.rules.models import Parameter
    from gonggu.rules.services import param_set

    n = 0
    for year in range(ctx.today.year - 4, ctx.today.year + 1):
        grown = Decimal("1.066") ** (year - 2023)
        values = {name: str(round(base * grown)) for name, base in DEMO_RURAL_INCOME.items()}
        values["rural_income_growth_national"] = DEMO_NATIONAL_GROWTH
        for name, value in values.items():
            if not Parameter.objects.filter(name=name, year=year).exists():
                param_set(name=name, value=value, year=year, user=user)
                n += 1
    return n


def _scoring(ctx, user) -> int:
    """One evidence item entered and the county's points for 指标7 and 指标11 (the rest share what is left)."""
    from .scoring import services as scoring
    from .selectors import indicator_system_current

    system = indicator_system_current(today=ctx.today, county_code=ctx.county.code)
    if system is None:
        return 0
    # The year of the system in force (the 2025 one until a later year is added).
    scoring.item_evidence_add(user=user, region=ctx.county, year=system.year, item_key="1-1",
                              title="县委常委会研究部署巩固拓展脱贫攻坚成果工作会议纪要（示例）",
                              happened_on=ctx.today.replace(month=3, day=12),
                              uploaded=SimpleUploadedFile("会议纪要.txt", "会议纪要（示例）".encode()))
    return scoring.scoring_rules_save(user=user, year=system.year, county_code=ctx.county.code, rows={
        "7": {"points": "15", "method": "share"}, "11": {"points": "10", "method": "share"}})


def _run_compliance(ctx, user) -> dict:
    """The monitoring figures of the self-evaluation read the latest compliance run: make one over the demo county."""
    from gonggu.rules.catalog import CATALOG
    from gonggu.rules.engine import run_rules

    if not CATALOG.of_kind("compliance"):
        return {}
    result = run_rules(kinds=["compliance"], as_of=ctx.today, prefix=ctx.county.prefix, user=user)
    return {"compliance_findings": result.findings.num_rows}


@transaction.atomic
def demo_assessment(ctx) -> dict:
    admin = ctx.users.get("admin")
    reviewer = ctx.users.get("xiangzhen")
    if admin is None or reviewer is None:
        return {}
    today = ctx.today
    year = today.year
    county = ctx.county
    township = ctx.townships[0]
    villages = [v for v in ctx.villages if v.parent_id == township.pk] or ctx.villages
    compliance = _run_compliance(ctx, admin)
    params = _income_params(ctx, admin)
    rules = _scoring(ctx, admin)
    for matter, type_ in NEGATIVE:
        services.negative_item_create(user=admin, year=year, region_code=county.code, matter=matter, type=type_,
                                      document="（示例）")

    def problem(source, title, region, *, days, measures="", created_days_ago=0, kind="个性问题"):
        return services.problem_create(
            user=admin, source=source, title=title, region_code=region.code, kind=kind,
            owner_unit=f"{region.name}{services.OWNER_BY_LEVEL.get(region.level, '')}",
            deadline=today + dt.timedelta(days=days), measures=measures, year=year,
            today=today - dt.timedelta(days=created_days_ago),
            description="（示例）" + title)

    # 整改中, one of them past its deadline (red on the ledger and the supervision board).
    problem("省级考核", "部分脱贫户家庭医生签约服务履约记录不全", township, days=20,
            measures="逐户补签履约记录，乡镇卫生院每月抽查")
    problem("暗访", "个别监测户帮扶措施与风险类型不匹配", villages[0], days=-5, created_days_ago=40,
            measures="按风险类型重新梳理一户一策")
    # 已整改, awaiting 回头看.
    done = problem("审计", "衔接资金项目资产未及时登记入账", township, days=10, measures="完成资产确权登记、纳入“三资”平台")
    _evidence(reviewer, done, "资产登记台账.xlsx")
    services.problem_rectify(user=reviewer, problem=done, note="已完成登记入账，举一反三排查全镇项目", today=today)
    # 回头看已核实.
    verified = problem("国家考核", "部分脱贫人口对帮扶政策知晓率不高", villages[1 % len(villages)], days=15,
                       measures="驻村工作队入户宣讲，发放明白纸", kind="共性问题")
    _evidence(reviewer, verified, "入户宣讲照片.jpg")
    services.problem_rectify(user=reviewer, problem=verified, note="已入户宣讲全覆盖", today=today)
    services.problem_verify(user=admin, problem=verified, note="抽查 10 户，群众知晓政策", today=today)
    # 回炉整改.
    again = problem("信访", "群众反映低保评议程序不公开", villages[2 % len(villages)], days=12,
                    measures="重新组织民主评议并公示")
    _evidence(reviewer, again, "评议记录.pdf")
    services.problem_rectify(user=reviewer, problem=again, note="已重新评议", today=today)
    services.problem_reopen(user=admin, problem=again, reason="群众不认可", note="回访发现公示未张贴到位",
                            new_deadline=today + dt.timedelta(days=20), today=today)
    # One from the self-evaluation: the first failing figure of the first township.
    from_figure = 0
    evaluation = EvalContext(prefix=county.prefix, today=today)
    for figure in FIGURES.values():
        result = evaluate(figure, evaluation, township.prefix, township.code)
        if result.status == "fail":
            services.problem_from_figure(user=admin, result=result, region=township, today=today)
            from_figure = 1
            break
    return {"negative_items": len(NEGATIVE), "problems": 5 + from_figure, "income_params": params,
            "scoring_rules": rules, **compliance}


def demo_clear(*, prefix: str) -> None:
    from .models import ItemEvidence, ScoringRule

    Problem.objects.filter(in_scope_q("region_code", prefix)).delete()
    ItemEvidence.objects.filter(in_scope_q("region_code", prefix)).delete()
    ScoringRule.objects.filter(county_code__startswith=prefix).delete()
    NegativeItem.objects.filter(in_scope_q("region_code", prefix)).delete()
    IndicatorSystem.objects.filter(region_code__startswith=prefix).delete()
