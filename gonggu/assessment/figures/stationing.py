"""驻村帮扶 and 研判排查 figures (指标1, 指标7): findings of the stationing ledger rules (the 周三帮扶日 and the
monthly 联席会议 among them)."""

from __future__ import annotations

from .base import Figure
from .findings import findings_figure

IND1 = "002 附件2 指标1"

FIGURES: list[Figure] = [
    findings_figure(
        code="LEADER-VISITS", title="领导联系点调研督导", indicator="1",
        rules=("LEADER-LINK-VISIT",), source=IND1 + "；001 第一部分 一（三）3",
        quote="党委政府巩固拓展脱贫攻坚成果责任压实、研究部署、调研督导等情况", needs="领导联系点台账"),
    findings_figure(
        code="STATION-CADRES", title="选派和管理驻村第一书记和工作队员", indicator="1",
        rules=("ST-SECRETARY-QUALIFY", "ST-MEMBER-QUALIFY", "ST-TEAM-SIZE", "ST-TERM-SHORT", "ST-NOT-ROTATED",
               "ST-NO-SECRETARY", "ST-TRAINING", "ST-CARE", "ST-ASSESSMENT"),
        source=IND1 + "；001 第一部分 四 驻村帮扶责任", quote="选派和管理驻村第一书记和工作队员及其履职尽责情况",
        needs="驻村干部台账"),
    findings_figure(
        code="STATION-DUTY", title="驻村干部履职尽责（五天四夜、入户走访）", indicator="1",
        rules=("ST-FIVE-FOUR", "ST-VISIT-ALL"), source=IND1 + "；004 任务47",
        quote="选派和管理驻村第一书记和工作队员及其履职尽责情况", needs="驻村考勤、走访台账"),
    findings_figure(
        code="STATION-UNITS", title="派出单位责任落实", indicator="1",
        rules=("ST-UNIT-SECRETARY", "ST-REPORT", "UNIT-MAIN-VISIT", "UNIT-LEADER-VISITS"),
        source=IND1 + "；004 任务46、48", quote="派出单位责任落实情况", needs="派出单位、定点帮扶台账"),
    findings_figure(
        code="STATION-ASSIST-DAY", title="周三帮扶日", indicator="1",
        rules=("ASSIST-DAY-WEEKLY",), source=IND1 + "；002 一 2", quote="派出单位责任落实情况",
        needs="派出单位、周三帮扶日台账"),
    findings_figure(
        code="DEPT-JOINT-MEETING", title="部门数据比对联席会议和名单更新", indicator="1",
        rules=("MEET-JOINT-MONTHLY", "DEPT-LIST-STALE"), source=IND1 + "；004 任务2",
        quote="各级行业部门按任务分工推动工作落实，以及加强跨部门间数据交换等工作协作情况",
        needs="研判会议台账、部门名单"),
    findings_figure(
        code="MON-CAMPAIGN", title="集中排查覆盖和村级每周研判", indicator="7",
        rules=("CAMPAIGN-COVERAGE", "CAMPAIGN-TWICE", "MEET-WEEKLY", "MEET-JOINT-MONTHLY"),
        source="002 附件2 指标7；002 一 1；004 任务1、任务2",
        quote="农户自主申报、基层干部日常走访、部门筛查预警发现受理及识别纳入情况", needs="集中排查、研判会议台账"),
]
