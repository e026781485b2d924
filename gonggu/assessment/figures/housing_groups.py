"""六类对象住房安全鉴定覆盖率 (指标2): of the households of the six groups the seed names, how many have a housing
safety appraisal on record — the 住建 list, a (re-)appraisal in the 住房安全排查台账, or a C/D renovation row.

The groups are those of the catalog rule HOUSE-SIX-UNAPPRAISED (gonggu/guarantees/followup_rule_defs.py), in the
same order of precedence, so the drill-down lists the households the rule finds: 易返贫致贫户 (监测户 other than
突发严重困难户), 农村低保户, 农村分散供养特困人员 (民政 list, 在保), 突发严重困难户 (刚性支出较大或收入大幅缩减), 农村低保
边缘家庭, and 其他脱贫户.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Value, When

from gonggu.core.codes import in_scope_q
from gonggu.guarantees.models import HouseInspection, HousingRenovation
from gonggu.registry.models import Household, Person
from gonggu.sources.models import Fact

from .. import inputs
from .base import (
    HOUSEHOLD_VALUES,
    Drill,
    EvalContext,
    Figure,
    FigureData,
    Missing,
    Target,
    household_row,
    share_of,
)

GROUPS = ("易返贫致贫户", "农村低保户", "农村分散供养特困人员", "刚性支出较大或收入大幅缩减导致基本生活出现严重困难家庭",
          "农村低保边缘家庭", "其他脱贫户")


def _on_mz_list(category: str):
    """A member whose latest 民政 fact is `category`, 在保."""
    members = Person.objects.filter(household=OuterRef("pk"))
    cat = inputs.latest_fact("mz_assistance", OuterRef("id_number"), "category")
    status = inputs.latest_fact("mz_assistance", OuterRef("id_number"), "status")
    return Exists(members.annotate(mz_cat=cat, mz_status=status).filter(mz_cat=category, mz_status="在保"))


def _appraised():
    members = Person.objects.filter(household=OuterRef(OuterRef("pk"))).values("id_number")
    return (Q(Exists(Fact.objects.filter(source="zj_housing", id_number__in=members)))
            | Q(Exists(HouseInspection.objects.filter(household=OuterRef("pk"), appraised_on__isnull=False)))
            | Q(Exists(HousingRenovation.objects.filter(household=OuterRef("pk"), grade__in=("C级", "D级")))))


def six_group_households(prefix):
    """Households of the six groups in scope, with their group and whether an appraisal is on record."""
    monitored = Q(household_type="监测户")
    group = Case(
        When(monitored & ~Q(monitoring_type="突发严重困难户"), then=Value(GROUPS[0])),
        When(dibao=True, then=Value(GROUPS[1])),
        When(tekun=True, then=Value(GROUPS[2])),
        When(monitored, then=Value(GROUPS[3])),
        When(edge=True, then=Value(GROUPS[4])),
        When(household_type="脱贫户", then=Value(GROUPS[5])),
        default=Value(""), output_field=CharField())
    appraised = _appraised()
    qs = (Household.objects.filter(in_scope_q("region_code", prefix))
          .annotate(dibao=_on_mz_list("低保"), tekun=_on_mz_list("特困"), edge=_on_mz_list("低保边缘"))
          .annotate(group=group).exclude(group=""))
    return qs, appraised


def compute(ctx: EvalContext) -> FigureData:
    qs, appraised = six_group_households(ctx.prefix)
    rows = {code: values for code, values in _grouped(qs, appraised).items()}
    zj = inputs.dept_source_date("zj_housing")
    basis = ("户籍台账（脱贫户、监测户及类型）、民政救助名单（低保、特困、低保边缘，在保）；鉴定记录：住建部门农房安全鉴定名单"
             + (f"（截至 {zj:%Y-%m-%d}）" if zj else "（尚未导入）") + "、住房安全排查台账的鉴定、危房改造台账")
    data = FigureData(rows, max([d for d in (zj, ctx.registry_date()) if d], default=None), basis)
    if not data.total(None).get("households"):
        data.missing = Missing(None, "本区域没有六类对象的农户", not_applicable=True)
    return data


def _grouped(qs, appraised) -> dict[str, dict]:
    out = {}
    for row in (qs.values("region_code").annotate(households=Count("id"), appraised=Count("id", filter=appraised))
                .order_by("region_code")):
        out[row.pop("region_code")] = row
    return out


def drill(ctx: EvalContext, prefix: str) -> Drill:
    qs, appraised = six_group_households(prefix)
    qs = qs.exclude(appraised).values(*HOUSEHOLD_VALUES, "group").order_by("region_code", "household_no")
    return Drill(qs, lambda h: household_row(h, f"{h['group']}，没有住房安全鉴定记录"), "六类对象中没有住房安全鉴定的农户")


FIGURES: list[Figure] = [
    Figure(
        code="HOUSE-SIX-APPRAISED", title="六类对象住房安全鉴定覆盖率", indicator="2",
        formula="有住房安全鉴定记录的六类对象农户 ÷ 六类对象农户（易返贫致贫户、低保户、分散供养特困人员、突发严重困难户、低保边缘"
                "家庭、其他脱贫户；规则“六类对象住房未做安全鉴定”列出未鉴定的户）",
        unit="%", target=Target(">=", Decimal(1), "六类对象应鉴尽鉴（100%）", "001 第二部分 三(二)2",
                                "对农村易返贫致贫户、农村低保户、农村分散供养特困人员、因病因灾因意外事故等刚性支出较大或收入大幅度"
                                "缩减导致基本生活出现严重困难家庭、农村低保边缘家庭、未享受过农村住房保障政策支持且依靠自身力量无法"
                                "解决住房安全问题的其他脱贫户等六类群众进行房屋安全鉴定"),
        compute=compute, value=share_of("appraised", "households"), numerator="appraised", denominator="households",
        drill=drill, needs="住建鉴定名单、民政救助名单"),
]
