"""Assessment's part of the rule catalog: the 收入较低 parameter and indicator rules (kind "indicator").

These rules list the households behind self-evaluation figures that are naturally rules, so the
规则库 shows them with live counts like any other rule; the self-evaluation page computes the same
sets live (the figures package) and a test checks that both agree.
"""

from gonggu.rules.catalog import ParamDef, RuleDef, register_param, register_rule

register_param(ParamDef(
    "low_income_line", "收入较低脱贫户标准", default="10000", unit="元/人·年",
    description="最新收入年度人均纯收入低于此值的脱贫户计为“收入较低”（两类群体之一）。种子文件只要求重点关注，"
                "未给出数值（001 第三部分 一(三)2；000 成效巩固方面 1①），默认 10000 元，县里可调整。",
    minimum="0"))

# 指标11 compares 脱贫人口 income with the province's and the nation's rural income (000 成效巩固方面 1; 001 第四部分 1:
# "实现脱贫地区农村居民收入增速高于全国和全省平均水平、脱贫人口人均纯收入与全国和全省农民收入的比值同比“两提升”").
# The province's growth is the existing rural_income_growth (rules/params.py); the other three are set here.
register_param(ParamDef(
    "rural_income_growth_national", "全国农村居民人均可支配收入增幅", yearly=True, unit="比例",
    description="全国农村居民人均可支配收入比上年增长的比例，如 0.066 表示 6.6%；自评指标11对照。",
    minimum="-1", maximum="10"))
register_param(ParamDef(
    "rural_income_province", "全省农村居民人均可支配收入", yearly=True, unit="元",
    description="全省农村居民人均可支配收入（统计部门公布）；自评指标11“两个比值”之一的分母。", minimum="0"))
register_param(ParamDef(
    "rural_income_national", "全国农村居民人均可支配收入", yearly=True, unit="元",
    description="全国农村居民人均可支配收入（统计部门公布）；自评指标11“两个比值”之一的分母。", minimum="0"))

TWO_GROUPS = ("重点关注收入较低脱贫人口和收入同比下降脱贫人口“两类群体”、国家乡村振兴重点帮扶县和易地扶贫搬迁安置区"
              "“两个地区”增收情况，防止“平均数掩盖极少数”。")

register_rule(RuleDef(
    code="IND-INCOME-LOW",
    title="收入较低的脱贫户",
    kind="indicator",
    source="001 第三部分 一(三)2；001 第四部分 1①；000 成效巩固方面 1①",
    source_text=TWO_GROUPS,
    grade="info",
    risk_type="收入",
    params=("low_income_line",),
    tables=("households", "household_income"),
    description="户类型为脱贫户，最新收入年度 Y 的人均纯收入低于 low_income_line（默认 10000 元）。",
    sql="""
        SELECT h.household_id, CAST(NULL AS VARCHAR) AS id_number,
               CAST(i.income_year AS VARCHAR) || ' 年人均纯收入 ' || CAST(i.per_capita AS VARCHAR) || ' 元' AS detail,
               i.income_year AS ev_income_year, i.per_capita AS ev_per_capita
        FROM households h JOIN household_income i ON i.household_id = h.household_id
        WHERE h.household_type = '脱贫户' AND i.per_capita < {low_income_line}
    """,
))

register_rule(RuleDef(
    code="IND-INCOME-FALL",
    title="收入同比下降的脱贫户",
    kind="indicator",
    source="001 第三部分 一(三)2；001 第四部分 1①；000 成效巩固方面 1①",
    source_text=TWO_GROUPS,
    grade="info",
    risk_type="收入",
    tables=("households", "household_income"),
    description="户类型为脱贫户，最新收入年度 Y 的人均纯收入低于 Y−1 年（两年都有收入记录）。与筛查规则 INCOME-DROP 不同："
                "不论降幅大小，也包括监测户以外的全部脱贫户。",
    sql="""
        SELECT h.household_id, CAST(NULL AS VARCHAR) AS id_number,
               '人均纯收入由 ' || CAST(i.prev_year AS VARCHAR) || ' 年的 ' || CAST(i.prev_per_capita AS VARCHAR)
                 || ' 元降至 ' || CAST(i.income_year AS VARCHAR) || ' 年的 ' || CAST(i.per_capita AS VARCHAR) || ' 元'
                 AS detail,
               i.prev_year AS ev_previous_year, i.prev_per_capita AS ev_previous_per_capita,
               i.income_year AS ev_income_year, i.per_capita AS ev_per_capita
        FROM households h JOIN household_income i ON i.household_id = h.household_id
        WHERE h.household_type = '脱贫户' AND i.prev_per_capita IS NOT NULL AND i.per_capita < i.prev_per_capita
    """,
))

register_rule(RuleDef(
    code="IND-RELOC-NO-JOB",
    title="有劳动力但无人就业的易地搬迁户",
    kind="indicator",
    source="002 附件2 指标5；附件1 任务7",
    source_text="有劳动力且有就业意愿的搬迁脱贫户基本实现 1 户 1 人以上就业情况",
    grade="info",
    risk_type="就业",
    tables=("households", "persons_active", "dept_rs_employment"),
    description="易地搬迁的脱贫户、监测户，有在册成员周岁 16–59（含）、劳动能力为普通劳动力或技能劳动力且不在校，"
                "但没有在册成员就业（台账务工月数 ≥ 1，或人社最新名单为「已就业」）。",
    sql="""
        WITH labour AS (
          SELECT household_id, COUNT(*) AS n FROM persons_active
          WHERE age >= 16 AND age <= 59 AND labour_ability IN ('普通劳动力', '技能劳动力')
            AND coalesce(school_status, '') NOT IN ('学前教育', '小学', '初中', '高中', '中职', '高职', '大学')
          GROUP BY household_id),
        employed AS (
          SELECT DISTINCT p.household_id FROM persons_active p
          LEFT JOIN dept_rs_employment r ON r.id_number = p.id_number
          WHERE p.work_months >= 1 OR r.status = '已就业')
        SELECT h.household_id, CAST(NULL AS VARCHAR) AS id_number,
               '易地搬迁户有 ' || CAST(l.n AS VARCHAR) || ' 名劳动年龄内有劳动能力的成员，无人就业' AS detail,
               l.n AS ev_labour_members
        FROM households h JOIN labour l ON l.household_id = h.household_id
        WHERE h.relocated AND h.household_type IN ('脱贫户', '监测户')
          AND NOT EXISTS (SELECT 1 FROM employed e WHERE e.household_id = h.household_id)
    """,
))

# 整乡整村 risk (指标10) keeps its rule, parameters and the open-warnings table in a module of its own.
from . import risk_rule_defs  # noqa: E402,F401
