"""Funds, projects, assets and 小额信贷 figures (指标3, 指标8): findings of the funds and credit ledger rules."""

from __future__ import annotations

from .base import Figure
from .findings import findings_figure

IND3 = "002 附件2 指标3"
IND8 = "002 附件2 指标8"

FIGURES: list[Figure] = [
    findings_figure(
        code="FUND-INDUSTRY", title="衔接资金支持帮扶产业发展", indicator="3",
        rules=("FUND-INDUSTRY-60", "FUND-INDUSTRY-RISE"), source=IND3 + "；000 主要工作 6",
        quote="使用各类帮扶资金支持帮扶产业发展情况", needs="衔接资金台账"),
    findings_figure(
        code="INDUSTRY-FOUR-BATCH", title="帮扶产业项目“四个一批”分类", indicator="3",
        rules=("INDUSTRY-FOUR-BATCH",), source=IND3 + "；001 第二部分 产业（二）1②",
        quote="按照“四个一批”(巩固、升级、盘活、调整)要求开展分类工作", needs="项目库台账（“四个一批”分类列）"),
    findings_figure(
        code="PROJECT-LINK-FARMERS", title="帮扶产业项目联农带农", indicator="3",
        rules=("PROJECT-NO-LINK", "FUND-NOT-FROM-LIBRARY"), source=IND3 + "；001 第二部分 产业（二）2③",
        quote="帮扶产业项目管护运营和联农带农情况", needs="项目库台账"),
    findings_figure(
        code="ASSET-MANAGEMENT", title="项目资产确权登记、管理运维和收益分配", indicator="3",
        rules=("ASSET-REGISTER-3M", "ASSET-PV-METRICS", "ASSET-DISPOSAL", "ASSET-CASH-HANDOUT"),
        source=IND3 + "；004 任务42",
        quote="项目资产(含光伏帮扶电站)摸底确权、登记入账、管理运维和收益分配等情况", needs="项目资产台账"),
    findings_figure(
        code="CREDIT-POLICY", title="脱贫人口小额信贷政策落实", indicator="3",
        rules=("LOAN-NOT-REACHED", "LOAN-OVER-CAP", "LOAN-SUBSIDY-OVER", "LOAN-RENEWED-TWICE", "LOAN-OVERDUE-RATE"),
        source=IND3 + "；001 第三部分 三（二）5；004 任务9", quote="脱贫人口小额信贷政策落实情况", needs="小额信贷台账"),
    findings_figure(
        code="FUND-USE", title="衔接资金使用管理（支出进度、验收、季度督查）", indicator="8",
        rules=("FUND-EXEC-15WD", "FUND-ACCEPT-7WD", "FUND-TOTAL-DROP", "FUND-INSPECT-QUARTER", "CONSUME-832-10"),
        source=IND8 + "；004 任务39",
        quote="直接使用省财政厅、农业农村厅对各设区市的财政衔接推进乡村振兴补助资金绩效评价结果", needs="衔接资金台账"),
]
