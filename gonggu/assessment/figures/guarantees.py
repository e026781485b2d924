"""Figures from the registry and department lists: 医保, 控辍保学, 住房安全 (指标2), 就业 (指标4, 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from gonggu.core.codes import in_scope_q
from gonggu.registry.choices import PersonStatus, SchoolStatus
from gonggu.registry.models import Household, Person

from .. import inputs
from .base import (
    HOUSEHOLD_VALUES,
    KEY_TYPES,
    LABOUR,
    NOT_STUDENT,
    PERSON_VALUES,
    ZERO,
    Drill,
    EvalContext,
    Figure,
    FigureData,
    Missing,
    Target,
    age_q,
    count_of,
    grouped,
    household_row,
    person_row,
    share_of,
)


def _alive(qs: QuerySet) -> QuerySet:
    """Active persons: 在册 in the registry and not deregistered as dead by the latest 公安 list."""
    qs = qs.filter(status=PersonStatus.ACTIVE)
    ga = inputs.latest_fact("ga_deregistration", OuterRef("id_number"), "status")
    return qs.annotate(ga_status=ga).filter(Q(ga_status__isnull=True) | ~Q(ga_status="死亡"))


def _key_persons(prefix):
    return _alive(Person.objects.filter(in_scope_q("region_code", prefix), household__household_type__in=KEY_TYPES))


def _enrolment(prefix):
    """Persons of key households with their enrolment status: the latest 医保 list, else the registry's answer."""
    qs = _key_persons(prefix)
    qs = qs.annotate(yb_status=inputs.latest_fact("yb_enrolment", OuterRef("id_number"), "status"))
    return (qs,
            Q(yb_status__in=("已参保", "异地参保")) | Q(yb_status__isnull=True, medical_insured=True),
            Q(yb_status__in=("未参保", "中断")) | Q(yb_status__isnull=True, medical_insured=False),
            Q(yb_status__isnull=True, medical_insured__isnull=True))


def compute_med(ctx: EvalContext) -> FigureData:
    qs, insured, uninsured, unknown = _enrolment(ctx.prefix)
    rows = grouped(qs, "region_code", persons=Count("id"), insured=Count("id", filter=insured),
                   uninsured=Count("id", filter=uninsured), unknown=Count("id", filter=unknown))
    yb_date = inputs.dept_source_date("yb_enrolment")
    basis = "户籍台账“是否参加基本医疗保险”"
    if yb_date:
        basis = f"医保部门参保名单（截至 {yb_date:%Y-%m-%d}），名单中没有的人按户籍台账"
    data = FigureData(rows, max([d for d in (yb_date, ctx.registry_date()) if d], default=None), basis)
    total = data.total(None)
    if not total.get("persons"):
        data.missing = Missing(ctx.year_start, "本区域户籍台账中没有脱贫人口和监测对象")
    elif not (total.get("insured", 0) + total.get("uninsured", 0)):
        data.missing = Missing(ctx.year_start, "户籍台账未填写参保情况，也未导入医保参保名单")
    return data


def drill_med(ctx: EvalContext, prefix: str) -> Drill:
    qs, _insured, uninsured, unknown = _enrolment(prefix)
    fields = [*PERSON_VALUES, "medical_insured"] + (["yb_status"] if "yb_status" in qs.query.annotations else [])
    qs = qs.filter(uninsured | unknown).values(*fields).order_by("region_code", "household__household_no", "id")

    def detail(p):
        if p.get("yb_status"):
            return f"医保名单：{p['yb_status']}"
        return "户籍台账：未参保" if p["medical_insured"] is False else "参保情况不详（台账未填，医保名单中也没有）"
    return Drill(qs, person_row(detail), "未参保或参保情况不详的脱贫人口、监测对象")


def _children(prefix, today):
    qs = _alive(Person.objects.filter(in_scope_q("region_code", prefix)).filter(age_q("birth_date", today, 6, 15)))
    qs = qs.annotate(jy_status=inputs.latest_fact("jy_student", OuterRef("id_number"), "status"))
    return (qs, Q(school_status=SchoolStatus.DROPOUT) | Q(jy_status__in=("辍学", "疑似辍学")),
            ~Q(school_status="") | Q(jy_status__isnull=False))


def compute_dropout(ctx: EvalContext) -> FigureData:
    qs, dropout, known = _children(ctx.prefix, ctx.today)
    rows = grouped(qs, "region_code", children=Count("id"), known=Count("id", filter=known),
                   dropouts=Count("id", filter=dropout))
    jy_date = inputs.dept_source_date("jy_student")
    basis = "户籍台账“在校情况”" + (f"；教育部门学籍名单（截至 {jy_date:%Y-%m-%d}）" if jy_date else "")
    data = FigureData(rows, max([d for d in (jy_date, ctx.registry_date()) if d], default=None), basis)
    if not data.total(None).get("known"):
        data.missing = Missing(ctx.year_start, "户籍台账未填写 6–15 周岁儿童的在校情况，也未导入教育部门学籍名单")
    return data


def drill_dropout(ctx: EvalContext, prefix: str) -> Drill:
    qs, dropout, _known = _children(prefix, ctx.today)
    fields = [*PERSON_VALUES, "school_status"] + (["jy_status"] if "jy_status" in qs.query.annotations else [])
    qs = qs.filter(dropout).values(*fields).order_by("region_code", "household__household_no")

    def detail(p):
        parts = []
        if p["school_status"] == SchoolStatus.DROPOUT:
            parts.append("户籍台账：辍学")
        if p.get("jy_status") in ("辍学", "疑似辍学"):
            parts.append(f"教育部门：{p['jy_status']}")
        return "；".join(parts)
    return Drill(qs, person_row(detail), "6–15 周岁失学辍学人员")


def _housing(prefix):
    grade = inputs.latest_household_fact("zj_housing", "grade")
    return Household.objects.filter(in_scope_q("region_code", prefix)).annotate(house_grade=grade)


def compute_house_unsafe(ctx: EvalContext) -> FigureData:
    source_date = inputs.dept_source_date("zj_housing")
    qs = _housing(ctx.prefix)
    if source_date is None:
        return FigureData({}, None, "住建部门农房安全鉴定名单",
                          missing=Missing(ctx.year_start, "尚未导入住建部门农房安全鉴定名单"))
    rows = grouped(qs.filter(house_grade__in=("C", "D")), "region_code", households=Count("id"),
                   grade_c=Count("id", filter=Q(house_grade="C")), grade_d=Count("id", filter=Q(house_grade="D")))
    return FigureData(rows, source_date, f"住建部门农房安全鉴定名单（截至 {source_date:%Y-%m-%d}），每户取最新鉴定等级")


def drill_house_unsafe(ctx: EvalContext, prefix: str) -> Drill | None:
    qs = (_housing(prefix).filter(house_grade__in=("C", "D")).values(*HOUSEHOLD_VALUES, "house_grade")
          .order_by("-house_grade", "region_code", "household_no"))
    return Drill(qs, lambda h: household_row(h, f"住房鉴定为 {h['house_grade']} 级"), "C级、D级危房户")


def _labour_member(today: dt.date):
    return Person.objects.filter(household=OuterRef("pk"), status=PersonStatus.ACTIVE, labour_ability__in=LABOUR,
                                 school_status__in=NOT_STUDENT).filter(age_q("birth_date", today, 16, 59))


def _employed_member():
    """A member who works: 务工月数 ≥ 1 in the registry, or 已就业 in the latest 人社 list."""
    members = Person.objects.filter(household=OuterRef("pk"), status=PersonStatus.ACTIVE)
    rs = inputs.latest_fact("rs_employment", OuterRef("id_number"), "status")
    return members.annotate(rs_status=rs).filter(Q(work_months__gte=1) | Q(rs_status="已就业"))


def _labour_households(prefix, today, types=KEY_TYPES):
    return (Household.objects.filter(in_scope_q("region_code", prefix), household_type__in=types)
            .annotate(has_labour=Exists(_labour_member(today)), has_job=Exists(_employed_member()))
            .filter(has_labour=True))


def compute_zero_employment(ctx: EvalContext) -> FigureData:
    labour = _labour_households(ctx.prefix, ctx.today)
    rows = grouped(labour, "region_code", households=Count("id"), zero=Count("id", filter=Q(has_job=False)))
    rs_date = inputs.dept_source_date("rs_employment")
    basis = "户籍台账“劳动能力”“务工月数”" + (f"；人社部门就业名单（截至 {rs_date:%Y-%m-%d}）" if rs_date else "")
    data = FigureData(rows, max([d for d in (rs_date, ctx.registry_date()) if d], default=None), basis)
    if not rows:
        data.missing = Missing(None, "本区域没有有劳动力的脱贫户、监测户", not_applicable=True)
    return data


def drill_zero_employment(ctx: EvalContext, prefix: str) -> Drill:
    qs = (_labour_households(prefix, ctx.today).filter(has_job=False).values(*HOUSEHOLD_VALUES)
          .order_by("region_code", "household_no"))
    return Drill(qs, lambda h: household_row(h, "有劳动力成员，但无人务工（务工月数为 0 或未填，人社名单无已就业）"),
                 "零就业家庭")


def compute_relocated(ctx: EvalContext) -> FigureData:
    labour = _labour_households(ctx.prefix, ctx.today).filter(relocated=True)
    rows = grouped(labour, "region_code", households=Count("id"), employed=Count("id", filter=Q(has_job=True)))
    data = FigureData(rows, ctx.registry_date(), "户籍台账“是否易地搬迁”“劳动能力”“务工月数”")
    if not rows:
        data.missing = Missing(None, "本区域没有有劳动力的易地搬迁脱贫户、监测户", not_applicable=True)
    return data


def drill_relocated(ctx: EvalContext, prefix: str) -> Drill:
    qs = (_labour_households(prefix, ctx.today).filter(relocated=True, has_job=False).values(*HOUSEHOLD_VALUES)
          .order_by("region_code", "household_no"))
    return Drill(qs, lambda h: household_row(h, "易地搬迁户有劳动力但无人务工"), "无人就业的易地搬迁户")



FIGURES: list[Figure] = [
    Figure(
        code="MED-ENROLMENT", title="脱贫人口和监测对象基本医保参保率", indicator="2",
        formula="已参保人数 ÷ 脱贫户、监测户在册人员数（参保情况不详的计为未参保）",
        unit="%", target=Target(">=", Decimal("0.99"), "≥ 99%", "000 成效巩固方面 3；001 第四部分 3",
                                "脱贫人口、监测对象基本医保参保率稳定在99%以上"),
        compute=compute_med, value=share_of("insured", "persons"), numerator="insured", denominator="persons",
        drill=drill_med),
    Figure(
        code="EDU-DROPOUT", title="义务教育阶段失学辍学人数", indicator="2",
        formula="6–15 周岁在册人员中，户籍台账在校情况为“辍学”或教育部门数据为辍学、疑似辍学的人数",
        unit="人", target=Target("==", ZERO, "动态清零（0 人）", "000 成效巩固方面 2；001 第四部分 2",
                                "义务教育阶段适龄儿童少年失学辍学动态清零"),
        compute=compute_dropout, value=count_of("dropouts"), numerator="dropouts", denominator="children",
        drill=drill_dropout, lower_is_better=True),
    Figure(
        code="HOUSE-UNSAFE", title="住房鉴定为C级、D级危房的农户", indicator="2",
        formula="住建部门最新鉴定等级为 C 或 D 的农户数（规则 HOUSE-UNSAFE；已搬离的须在住建数据中更新）",
        unit="户", target=Target("==", ZERO, "动态清零（0 户）", "000 成效巩固方面 4；001 第四部分 4",
                                "完成危房改造年度目标任务，住房安全问题实现动态清零"),
        compute=compute_house_unsafe, value=count_of("households"), numerator="households",
        drill=drill_house_unsafe, needs="住建数据、筛查规则", lower_is_better=True),
    Figure(
        code="ZERO-EMPLOYMENT", title="零就业家庭（脱贫户、监测户）", indicator="4",
        formula="有 16–59 周岁普通或技能劳动力（非在校生）、但没有成员务工（务工月数≥1 或人社数据已就业）的脱贫户、监测户数",
        unit="户", target=Target("==", ZERO, "动态清零（0 户）", "004 “零就业”家庭动态清零；002 附件1 任务6",
                                "“零就业”家庭动态清零"),
        compute=compute_zero_employment, value=count_of("zero"), numerator="zero", denominator="households",
        drill=drill_zero_employment, lower_is_better=True),
    Figure(
        code="RELOC-EMPLOYMENT", title="有劳动力的易地搬迁户 1 户 1 人以上就业率", indicator="5",
        formula="有成员务工的易地搬迁脱贫户、监测户 ÷ 有劳动力的易地搬迁脱贫户、监测户",
        unit="%", target=Target(">=", Decimal(1), "基本实现 1 户 1 人以上就业（100%）", "002 附件2 指标5；附件1 任务7",
                                "有劳动力且有就业意愿的搬迁脱贫户基本实现 1 户 1 人以上就业"),
        compute=compute_relocated, value=share_of("employed", "households"), numerator="employed",
        denominator="households", drill=drill_relocated),
]
