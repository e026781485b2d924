"""稳岗就业, 易地搬迁后续扶持 and 扶志扶智 figures (指标4, 指标5, 指标6): findings of the employment ledger rules
(务工, 公益岗位, 帮扶车间, 安置点与搬迁户, 雨露计划)."""

from __future__ import annotations

from .base import Figure
from .findings import findings_figure

IND4 = "002 附件2 指标4"
IND5 = "002 附件2 指标5"
IND6 = "002 附件2 指标6"

FIGURES: list[Figure] = [
    findings_figure(
        code="WORK-TARGET", title="脱贫人口务工就业目标任务", indicator="4",
        rules=("WORK-TARGET-UNMET", "WORK-STABLE-FALL"), source=IND4 + "；001 第三部分 四（三）1",
        quote="2025 年度脱贫人口务工就业目标任务完成情况", needs="务工就业台账"),
    findings_figure(
        code="WORK-POLICIES", title="交通补助、公益性岗位和就业帮扶车间政策落实", indicator="4",
        rules=("WORK-TRANSPORT-UNPAID", "POST-SUBSIDY-LOW", "POST-MULTIPLE", "POST-PLACEMENTS", "POST-LOST-LABOUR",
               "POST-NO-AGREEMENT", "POST-UNINSURED", "POST-NO-ATTENDANCE", "POST-SUBSIDY-UNPAID", "POST-COUNT-FALL",
               "WORKSHOP-COUNT-FALL", "WORKSHOP-LOST-LABOUR"),
        source=IND4 + "；001 第三部分 四（二）3、6",
        quote="跨省务工交通补助、雨露计划、以工代赈、公益性岗位和就业帮扶车间等政策落实情况",
        needs="公益岗位、帮扶车间、务工台账"),
    findings_figure(
        code="WORK-RETURNED", title="失业、返乡回流脱贫劳动力", indicator="4",
        rules=("JOB-LOSS",), source=IND4 + "；001 第三部分 一（二）1①③",
        quote="对失业脱贫劳动力、雨露计划毕业生、返乡回流脱贫劳动力等重点群体开展动态监测和技能培训等就业帮扶政策落实情况",
        needs="人社部门就业名单、部门筛查", watch=True),
    findings_figure(
        code="RELOC-FOLLOW-UP", title="易地搬迁安置点配套和搬迁户产业就业", indicator="5",
        rules=("RELOC-SITE-NO-STATION", "RELOC-SITE-CARE-SPACE", "RELOC-HH-NO-INDUSTRY", "RELOC-HH-NO-STABLE-JOB"),
        source=IND5 + "；001 第三部分 二（二）2、4；004 任务34",
        quote="在800人以上安置区基本公共服务设施中设立公共就业服务站或服务窗口；按30㎡/百户配套建设养老服务设施；"
              "确保搬迁户家庭至少有一项致富产业、有一人稳定就业",
        needs="易地搬迁安置点台账、易地搬迁户后续扶持台账"),
    findings_figure(
        code="RELOC-INCOME-RATIO", title="安置区脱贫人口人均纯收入与全省、全国农民收入之比", indicator="5",
        rules=("RELOC-SITE-INCOME-RATIO",), source="001 第三部分 二（二）1；000 工作落实方面 2 易地扶贫搬迁后续扶持 1",
        quote="安置区脱贫人口人均纯收入与全国和全省农民收入的比值同比提升",
        needs="易地搬迁安置点台账、易地搬迁户后续扶持台账、户籍台账收入账户"),
    findings_figure(
        code="RAIN-DEW", title="雨露计划补助和毕业生就业", indicator="6",
        rules=("RAIN-DEW-RATE-LOW", "RAIN-DEW-INELIGIBLE", "RAIN-DEW-UNPAID"),
        source=IND6 + "；指标4；001 第三部分 四（二）7",
        quote="鼓励脱贫人口发展产业、参加就业等情况（002 指标6）；对……雨露计划毕业生……开展动态监测和技能培训（指标4）",
        needs="雨露计划台账"),
]
