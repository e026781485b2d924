"""三保障、饮水安全和兜底保障 ledger figures (指标2): findings of the guarantees and welfare ledger rules.
The registry- and department-list-based figures of 指标2 are in `guarantees`."""

from __future__ import annotations

from .base import Figure
from .findings import findings_figure

IND2 = "002 附件2 指标2"

FIGURES: list[Figure] = [
    findings_figure(
        code="EDU-LEDGERS", title="控辍保学（季度排查、劝返、延缓入学、送教上门）", indicator="2",
        rules=("DROPOUT-SCREEN-QUARTER", "DROPOUT-SCREEN-UNFILED", "DROPOUT-PERSUADE-3", "DROPOUT-DEFER-IRREGULAR",
               "HOME-TEACH-MONTHLY"),
        source=IND2 + "；001 第二部分 一（二）", quote="各地控辍保学、教育资助等情况", needs="疑似辍学排查台账、控辍保学台账"),
    findings_figure(
        code="HEALTH-LEDGERS", title="乡村医疗服务、慢病签约和大病救治", indicator="2",
        rules=("CLINIC-GAP", "CLINIC-AREA", "CLINIC-PUBLIC-SHARE", "HEALTH-CHRONIC-UNSIGNED", "HEALTH-FOLLOWUP-QUARTER",
               "ILLNESS-UNTREATED", "ILLNESS-TREAT-RATE"),
        source=IND2 + "；001 第二部分 二（二）", quote="乡村基本医疗服务、慢病签约服务、先诊疗后付费等情况",
        needs="村卫生室、慢病签约、大病救治台账"),
    findings_figure(
        code="HOUSE-LEDGERS", title="危房改造和质量达标", indicator="2",
        rules=("HOUSE-NOT-PLANNED", "HOUSE-REAPPRAISE", "HOUSE-AREA-LOW", "HOUSE-MOVED-IN-EARLY",
               "HOUSE-OLD-NOT-DEMOLISHED", "HOUSE-SUBSIDY-OVER", "HOUSE-SUBSIDY-UNPAID", "HOUSE-CLOSED-UNSOLVED",
               "IDLE-HOUSE-OCCUPIED", "IDLE-HOUSE-UNWATCHED"),
        source=IND2 + "；001 第二部分 三（二）", quote="危房改造、质量达标等情况", needs="危房改造台账"),
    findings_figure(
        code="WATER-SAFETY", title="农村饮水安全（水量、水质、方便程度、保证率、问题清零、运行管护）", indicator="2",
        rules=("WATER-QUANTITY-LOW", "WATER-QUALITY", "WATER-FETCH-FAR", "WATER-SHORT-DAYS", "WATER-PROBLEM-OPEN",
               "WATER-CASE-ELIMINATED-OPEN", "WATER-MANAGEMENT", "WATER-TRAINING-TOWNSHIP"),
        source=IND2 + "；001 第二部分 四（二）2；004 任务25",
        quote="农村饮水的水量、水质、用水方便程度和供水保证率，安全排查和问题动态清零、供水运行管护等情况",
        needs="农村供水台账"),
    findings_figure(
        code="WELFARE-LEDGERS", title="低保兜底和特困救助", indicator="2",
        rules=("WELFARE-NO-LABOUR-UNCOVERED", "WELFARE-SEVERE-NOT-SINGLE", "WELFARE-GRACE-OVER-6M",
               "WELFARE-TEMP-OVER-CAP", "WELFARE-TEMP-NOT-FILED"),
        source=IND2 + "；001 第二部分 五（二）、（三）；004 任务28", quote="低保兜底和特困救助等情况",
        needs="低保特困、临时救助台账"),
]
