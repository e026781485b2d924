"""The 驻村帮扶 ledgers: each a model plus the columns an office fills in (docs/ledgers.md), and the checks that
refuse what cannot be true (a term ending before it starts, one cadre in two villages at once, attendance
outside the cadre's term or village, a date in the future, a campaign visit outside its campaign, a 周三帮扶日
on another weekday)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.utils import timezone

from gonggu.core.codes import Level
from gonggu.core.idnumber import InvalidIdNumber, normalize
from gonggu.dataio.columns import Kind
from gonggu.ledgers.kinds import LedgerKind, Match, field_column, register_ledger
from gonggu.regions.models import Region

from .models import (
    AssistDayVisit,
    AssistUnit,
    Attendance,
    CadreYear,
    Campaign,
    CampaignVisit,
    EastWestProject,
    LeaderLink,
    LeaderVisit,
    Meeting,
    StationedCadre,
    TeamVisit,
)

AREA = "驻村帮扶"
Errors = dict[int, tuple[str, str]]


def _hook(check: Callable[[list[dict]], Errors]) -> Callable[[list[dict]], dict[int, list[tuple[str, str]]]]:
    """One of the checks below as the ledger's `check_rows` hook (the row being edited is `row_id`)."""
    def check_rows(items: list[dict]) -> dict[int, list[tuple[str, str]]]:
        return {i: [problem] for i, problem in check([{**item, "pk": item.get("row_id")} for item in items]).items()}
    return check_rows


def _levels(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "level"))


def _bad_id(errors: Errors, items: list[dict], field: str = "cadre_id_number") -> None:
    for i, item in enumerate(items):
        if i in errors:
            continue
        value = str(item.get(field) or "")
        try:
            ok = normalize(value) == value
        except InvalidIdNumber as exc:
            errors[i] = (field, f"干部身份证号有误：{exc}")
            continue
        if not ok:
            errors[i] = (field, "干部身份证号请填写 18 位号码")


def _future(errors: Errors, items: list[dict], field: str, label: str) -> None:
    today = timezone.localdate()
    for i, item in enumerate(items):
        if i not in errors and item.get(field) and item[field] > today:
            errors[i] = (field, f"{label}（{item[field]}）晚于今天，不能登记尚未发生的事")


def _until(c) -> dt.date:
    return c.left_on or c.term_end


def check_cadres(items: list[dict]) -> Errors:
    errors: Errors = {}
    _bad_id(errors, items)
    levels = _levels(i["region_code"] for i in items)
    for i, item in enumerate(items):
        if i in errors:
            continue
        if levels.get(item["region_code"]) != Level.VILLAGE:
            errors[i] = ("term_start", "驻村干部须登记在所驻的村（社区），请填写村级区划代码")
        elif item["term_end"] < item["term_start"]:
            errors[i] = ("term_end", f"任期届满日期（{item['term_end']}）早于任职开始日期（{item['term_start']}）")
        elif item.get("left_on") and item["left_on"] < item["term_start"]:
            errors[i] = ("left_on", f"离任日期（{item['left_on']}）早于任职开始日期（{item['term_start']}）")
        elif item["party_status"] == "中共党员" and not item.get("party_since"):
            errors[i] = ("party_since", "中共党员请填写转为正式党员日期（党龄自转正之日起算）")
    # One cadre in two villages at once: against the stored terms and the other rows of the file.
    numbers = {item["cadre_id_number"] for i, item in enumerate(items) if i not in errors}
    terms: dict[str, list[tuple]] = defaultdict(list)
    for c in StationedCadre.objects.filter(cadre_id_number__in=numbers):
        terms[c.cadre_id_number].append((c.pk, c.term_start, c.region_code, c.term_start, _until(c)))
    for i, item in enumerate(items):
        if i in errors:
            continue
        start, until = item["term_start"], item.get("left_on") or item["term_end"]
        mine = terms[item["cadre_id_number"]]
        for pk, key_start, code, other_start, other_until in mine:
            same_row = pk == item["pk"] or (item["pk"] is None and code == item["region_code"] and key_start == start)
            if not same_row and code != item["region_code"] and start <= other_until and other_start <= until:
                errors[i] = ("term_start", f"此人 {other_start} 至 {other_until} 已在另一个村（{code}）驻村，"
                                           "同一时间不能在两个村驻村")
                break
        else:
            mine.append((None, start, item["region_code"], start, until))
    return errors


def _cadre_terms(numbers) -> dict[str, list[StationedCadre]]:
    found: dict[str, list[StationedCadre]] = defaultdict(list)
    for c in StationedCadre.objects.filter(cadre_id_number__in=set(numbers)).order_by("term_start"):
        found[c.cadre_id_number].append(c)
    return found


def check_attendance(items: list[dict]) -> Errors:
    errors: Errors = {}
    _bad_id(errors, items)
    _future(errors, items, "day", "考勤日期")
    terms = _cadre_terms(item["cadre_id_number"] for item in items)
    for i, item in enumerate(items):
        if i in errors:
            continue
        here = [c for c in terms[item["cadre_id_number"]] if c.region_code == item["region_code"]]
        if not here:
            errors[i] = ("cadre_id_number", "此人不是该村登记的驻村干部，请先在驻村干部台账中登记")
        elif not any(c.term_start <= item["day"] <= _until(c) for c in here):
            spans = "、".join(f"{c.term_start} 至 {_until(c)}" for c in here)
            errors[i] = ("day", f"日期 {item['day']} 不在此人在该村的驻村任期内（{spans}）")
        elif item["status"] != "在村" and item.get("night"):
            errors[i] = ("night", f"出勤情况为「{item['status']}」时不能同时登记在村住宿")
    return errors


def check_cadre_years(items: list[dict]) -> Errors:
    errors: Errors = {}
    _bad_id(errors, items)
    terms = _cadre_terms(item["cadre_id_number"] for item in items)
    for i, item in enumerate(items):
        if i in errors:
            continue
        here = [c for c in terms[item["cadre_id_number"]] if c.region_code == item["region_code"]]
        if not here:
            errors[i] = ("cadre_id_number", "此人不是该村登记的驻村干部，请先在驻村干部台账中登记")
        elif not any(c.term_start.year <= item["year"] <= _until(c).year for c in here):
            errors[i] = ("year", f"{item['year']} 年此人不在该村驻村")
    _future(errors, items, "trained_on", "培训日期")
    _future(errors, items, "health_check_on", "体检日期")
    return errors


def check_team_visits(items: list[dict]) -> Errors:
    errors: Errors = {}
    _future(errors, items, "visited_on", "走访日期")
    return errors


def check_campaigns(items: list[dict]) -> Errors:
    errors: Errors = {}
    levels = _levels(i["region_code"] for i in items)
    for i, item in enumerate(items):
        if levels.get(item["region_code"]) != Level.TOWNSHIP:
            errors[i] = ("year", "集中排查按乡镇登记，请填写乡镇（街道）的区划代码")
        elif item["end_on"] < item["start_on"]:
            errors[i] = ("end_on", f"结束日期（{item['end_on']}）早于开始日期（{item['start_on']}）")
        elif item["start_on"].year != item["year"]:
            errors[i] = ("start_on", f"开始日期（{item['start_on']}）不在 {item['year']} 年")
    return errors


def check_campaign_visits(items: list[dict]) -> Errors:
    errors: Errors = {}
    _future(errors, items, "screened_on", "排查日期")
    campaigns = {(c.region_code[:9], c.year, c.round): c for c in Campaign.objects.filter(
        year__in={item["year"] for item in items})}
    for i, item in enumerate(items):
        if i in errors:
            continue
        c = campaigns.get((item["region_code"][:9], item["year"], item["round"]))
        if c is None:
            errors[i] = ("round", f"该户所在乡镇没有登记 {item['year']} 年第 {item['round']} 次集中排查，"
                                  "请核对轮次或先登记该次排查")
        elif not c.start_on <= item["screened_on"] <= c.end_on:
            errors[i] = ("screened_on", f"排查日期 {item['screened_on']} 不在该次集中排查期间（{c.start_on} 至 {c.end_on}）")
    return errors


ID = {"kind": Kind.ID_NUMBER, "text": True, "width": 22, "example": "410122198503021234"}

STATIONED_CADRE = register_ledger(LedgerKind(
    key="stationed_cadre", title="驻村干部台账", area=AREA, model=StationedCadre, match=Match.REGION,
    description="各村的驻村第一书记和工作队员：派出单位、任期、政治面貌与党龄、工作年限、在编与哺乳期情况。",
    source="001 第一部分 四 驻村帮扶责任；004 任务46",
    columns=(
        field_column(StationedCadre, "cadre_id_number", aliases=("身份证号", "身份证号码"), **ID),
        field_column(StationedCadre, "name", kind=Kind.NAME, aliases=("干部姓名",), example="李明"),
        field_column(StationedCadre, "role", aliases=("职务", "驻村身份"), synonyms={"队员": "工作队员", "驻村工作队员": "工作队员"},
                     example="第一书记"),
        field_column(StationedCadre, "unit", aliases=("选派单位", "原单位"), example="县财政局"),
        field_column(StationedCadre, "unit_level", aliases=("选派类别",), example="县派"),
        field_column(StationedCadre, "term_start", aliases=("驻村时间", "任职时间", "到村时间"), example="2024-03-01"),
        field_column(StationedCadre, "term_end", aliases=("任期届满时间", "期满日期"), example="2026-02-28"),
        field_column(StationedCadre, "left_on", aliases=("离任时间", "轮换日期"), example=""),
        field_column(StationedCadre, "party_status", example="中共党员"),
        field_column(StationedCadre, "party_since", aliases=("转正时间", "转正日期"), example="2010-07-01"),
        field_column(StationedCadre, "work_since", aliases=("参加工作日期",), example="2008-08-01"),
        field_column(StationedCadre, "on_staff", aliases=("是否在编",), example="是"),
        field_column(StationedCadre, "nursing", aliases=("是否哺乳期",), example="否"),
    ),
    natural_key=("cadre_id_number", "term_start"),
    list_fields=("name", "role", "unit", "term_start", "term_end", "left_on", "party_status"),
    filter_fields=("role", "unit_level", "party_status"),
    date_field="term_start",
    notes=("一人一个任期一行；离任或轮换时填上离任日期再导入即可更新。",),
    check_rows=_hook(check_cadres),
))

ATTENDANCE = register_ledger(LedgerKind(
    key="stationing_attendance", title="驻村考勤台账", area=AREA, model=Attendance, match=Match.REGION,
    description="驻村干部每天的在村、住村、请假与因公外出记录（五天四夜），手机签到或乡镇考勤表导入。",
    source="001 第一部分 四 驻村帮扶责任（一）2③、（二）3③",
    columns=(
        field_column(Attendance, "cadre_id_number", aliases=("身份证号", "身份证号码"), **ID),
        field_column(Attendance, "cadre_name", kind=Kind.NAME, aliases=("干部姓名",), example="李明"),
        field_column(Attendance, "day", aliases=("考勤日期", "签到日期"), example="2025-06-02"),
        field_column(Attendance, "status", aliases=("考勤情况", "出勤"), synonyms={"在岗": "在村", "公差": "因公外出"},
                     example="在村"),
        field_column(Attendance, "night", aliases=("住村", "是否住村"), example="是"),
        field_column(Attendance, "note", aliases=("说明",), example=""),
    ),
    natural_key=("cadre_id_number", "day"),
    list_fields=("cadre_name", "day", "status", "night", "note"),
    filter_fields=("status", "night"),
    date_field="day",
    notes=("一人一天一行；同一人同一天再次导入时更新。请假、因公外出须经批准。",),
    check_rows=_hook(check_attendance),
))

CADRE_YEAR = register_ledger(LedgerKind(
    key="cadre_year", title="驻村干部年度履职台账", area=AREA, model=CadreYear, match=Match.REGION,
    description="驻村干部每年的县级以上培训、每半年向派出单位汇报、年度考核、体检和人身意外伤害保险。",
    source="001 第一部分 四 驻村帮扶责任（二）1；004 任务48–50",
    columns=(
        field_column(CadreYear, "cadre_id_number", aliases=("身份证号", "身份证号码"), **ID),
        field_column(CadreYear, "cadre_name", kind=Kind.NAME, aliases=("干部姓名",), example="李明"),
        field_column(CadreYear, "year", kind=Kind.YEAR, example="2024"),
        field_column(CadreYear, "trained_on", aliases=("培训日期",), example="2024-04-15"),
        field_column(CadreYear, "report_h1", example="是"),
        field_column(CadreYear, "report_h2", example="是"),
        field_column(CadreYear, "assessment", aliases=("考核结果", "考核等次"), example="称职"),
        field_column(CadreYear, "health_check_on", aliases=("体检时间",), example="2024-09-10"),
        field_column(CadreYear, "insured", aliases=("意外伤害保险", "是否办理保险"), example="是"),
    ),
    natural_key=("cadre_id_number", "year"),
    list_fields=("cadre_name", "year", "trained_on", "report_h1", "report_h2", "assessment", "insured"),
    filter_fields=("year", "assessment", "insured"),
    notes=("一人一年一行。",),
    check_rows=_hook(check_cadre_years),
))

TEAM_VISIT = register_ledger(LedgerKind(
    key="team_visit", title="驻村入户走访台账", area=AREA, model=TeamVisit, match=Match.HOUSEHOLD,
    description="驻村第一书记和工作队会同村干部入户走访的记录：每年对在村所有农户至少走访 1 次。",
    source="004 任务47",
    columns=(
        field_column(TeamVisit, "visited_on", aliases=("走访时间",), example="2025-03-12"),
        field_column(TeamVisit, "visitor", aliases=("走访干部",), example="李明"),
        field_column(TeamVisit, "content", aliases=("走访情况",), example="了解收入和就业情况"),
    ),
    natural_key=("visited_on",),
    list_fields=("visited_on", "visitor", "content"),
    date_field="visited_on",
    check_rows=_hook(check_team_visits),
))

ASSIST_UNIT = register_ledger(LedgerKind(
    key="assist_unit", title="派出单位台账", area=AREA, model=AssistUnit, match=Match.REGION,
    description="选派驻村干部的县直（及以上）单位和它的定点帮扶村：每个单位至少选派 1 名干部到村任第一书记。",
    source="004 任务46",
    columns=(
        field_column(AssistUnit, "unit", aliases=("派出单位", "帮扶单位"), example="县财政局"),
        field_column(AssistUnit, "unit_level", example="县直"),
        field_column(AssistUnit, "main_leader", aliases=("主要负责人",), example="王强"),
    ),
    natural_key=("unit",),
    list_fields=("unit", "unit_level", "main_leader"),
    filter_fields=("unit_level",),
    notes=("行政区划代码填该单位的定点帮扶村。",),
))

CAMPAIGN = register_ledger(LedgerKind(
    key="campaign", title="集中排查台账", area=AREA, model=Campaign, match=Match.REGION,
    description="各乡镇每年至少两次的集中排查：年度、轮次、起止日期；各村覆盖情况见集中排查入户台账。",
    source="001 第二部分 监测帮扶；000 防返贫动态监测",
    columns=(
        field_column(Campaign, "year", kind=Kind.YEAR, example="2025"),
        field_column(Campaign, "round", kind=Kind.INT, example="1"),
        field_column(Campaign, "start_on", example="2025-04-01"),
        field_column(Campaign, "end_on", example="2025-04-30"),
    ),
    natural_key=("year", "round"),
    list_fields=("year", "round", "start_on", "end_on"),
    filter_fields=("year",),
    date_field="start_on",
    notes=("行政区划代码填组织排查的乡镇（街道）。",),
    check_rows=_hook(check_campaigns),
))

CAMPAIGN_VISIT = register_ledger(LedgerKind(
    key="campaign_visit", title="集中排查入户台账", area=AREA, model=CampaignVisit, match=Match.HOUSEHOLD,
    description="集中排查中逐户排查的记录：每次排查每村的覆盖率 = 已排查户数 ÷ 农户台账户数。",
    source="001 第二部分 监测帮扶；002 逐村逐户过筛盘点",
    columns=(
        field_column(CampaignVisit, "year", kind=Kind.YEAR, example="2025"),
        field_column(CampaignVisit, "round", kind=Kind.INT, example="1"),
        field_column(CampaignVisit, "screened_on", aliases=("排查时间",), example="2025-04-08"),
        field_column(CampaignVisit, "screener", aliases=("排查干部",), example="李明"),
    ),
    natural_key=("year", "round"),
    list_fields=("year", "round", "screened_on", "screener"),
    filter_fields=("year", "round"),
    date_field="screened_on",
    notes=("一户一次排查一行。",),
    check_rows=_hook(check_campaign_visits),
))


def check_leader_links(items: list[dict]) -> Errors:
    errors: Errors = {}
    levels = _levels(i["region_code"] for i in items)
    for i, item in enumerate(items):
        if levels.get(item["region_code"]) != Level.VILLAGE:
            errors[i] = ("since", "联系点请填写村（社区）的区划代码")
        elif item.get("until") and item["until"] < item["since"]:
            errors[i] = ("until", f"联系结束日期（{item['until']}）早于联系开始日期（{item['since']}）")
    _future(errors, items, "since", "联系开始日期")
    return errors


def check_leader_visits(items: list[dict]) -> Errors:
    errors: Errors = {}
    _future(errors, items, "visited_on", "到村日期")
    for i, item in enumerate(items):
        if i not in errors and item["role"].startswith("帮扶单位") and not item.get("unit"):
            errors[i] = ("unit", "帮扶单位领导请填写所在单位")
    return errors


def check_meetings(items: list[dict]) -> Errors:
    errors: Errors = {}
    _future(errors, items, "held_on", "会议日期")
    levels = _levels(i["region_code"] for i in items)
    for i, item in enumerate(items):
        if i in errors:
            continue
        if item["kind"] == "村级每周研判" and levels.get(item["region_code"]) != Level.VILLAGE:
            errors[i] = ("kind", "村级每周研判请填写村（社区）的区划代码")
        elif item["kind"] != "村级每周研判" and levels.get(item["region_code"]) not in (Level.COUNTY, Level.TOWNSHIP):
            errors[i] = ("kind", "部门数据比对联席会议请填写县（或乡镇）的区划代码")
    return errors


WEDNESDAY = 2   # date.weekday()


def check_assist_days(items: list[dict]) -> Errors:
    errors: Errors = {}
    _future(errors, items, "day", "帮扶日日期")
    for i, item in enumerate(items):
        if i in errors:
            continue
        if item["day"].weekday() != WEDNESDAY:
            errors[i] = ("day", f"{item['day']} 是星期{'一二三四五六日'[item['day'].weekday()]}，周三帮扶日请填写星期三的日期")
        elif item.get("solved") and not item.get("problem"):
            errors[i] = ("solved", "登记“问题已解决”时请填写发现的问题")
    return errors


LEADER_LINK = register_ledger(LedgerKind(
    key="leader_link", title="领导联系点台账", area=AREA, model=LeaderLink, match=Match.REGION,
    description="县级领导班子成员（和乡镇领导）联系的村：每人至少联系 1 个村，并到联系点调研指导。",
    source="003 任务71；001 第一部分 一 关注问题 3",
    columns=(
        field_column(LeaderLink, "leader_name", kind=Kind.NAME, aliases=("姓名", "领导"), example="张卫国"),
        field_column(LeaderLink, "post", aliases=("领导职务",), example="县委副书记"),
        field_column(LeaderLink, "role", example="县级领导"),
        field_column(LeaderLink, "since", aliases=("联系开始时间",), example="2024-01-01"),
        field_column(LeaderLink, "until", aliases=("联系结束时间",), example=""),
    ),
    natural_key=("leader_name",),
    list_fields=("leader_name", "post", "role", "since", "until"),
    filter_fields=("role",),
    date_field="since",
    notes=("一位领导一个联系村一行；行政区划代码填联系村。",),
    check_rows=_hook(check_leader_links),
))

LEADER_VISIT = register_ledger(LedgerKind(
    key="leader_visit", title="领导到村调研台账", area=AREA, model=LeaderVisit, match=Match.REGION,
    description="县级领导到联系点、定点帮扶单位领导到帮扶村的调研指导（节日走访慰问单列，不能代替调研指导）。",
    source="001 第一部分 四 驻村帮扶责任（一）3；001 第一部分 一 关注问题 3",
    columns=(
        field_column(LeaderVisit, "leader_name", kind=Kind.NAME, aliases=("姓名", "领导"), example="张卫国"),
        field_column(LeaderVisit, "role", example="县级领导"),
        field_column(LeaderVisit, "unit", aliases=("单位", "帮扶单位"), example=""),
        field_column(LeaderVisit, "visited_on", aliases=("调研日期", "到村时间"), example="2025-03-18"),
        field_column(LeaderVisit, "purpose", aliases=("事由",), synonyms={"节日慰问": "节日走访慰问", "调研": "调研指导"},
                     example="调研指导"),
        field_column(LeaderVisit, "content", aliases=("调研内容",), example="研究村集体经济项目"),
    ),
    natural_key=("leader_name", "visited_on"),
    list_fields=("leader_name", "role", "unit", "visited_on", "purpose"),
    filter_fields=("role", "purpose"),
    date_field="visited_on",
    check_rows=_hook(check_leader_visits),
))

EAST_WEST = register_ledger(LedgerKind(
    key="east_west", title="东西部协作台账", area=AREA, model=EastWestProject, match=Match.REGION,
    description="东西部协作的产业项目、劳务协作、消费帮扶等：协作方、资金、带动就业人数、实施状态。",
    source="（工作台账，无对应核查规则）",
    columns=(
        field_column(EastWestProject, "year", kind=Kind.YEAR, example="2025"),
        field_column(EastWestProject, "project", aliases=("项目",), example="扶贫车间建设"),
        field_column(EastWestProject, "partner", aliases=("协作单位",), example="浙江省某区"),
        field_column(EastWestProject, "category", aliases=("类别",), example="产业协作"),
        field_column(EastWestProject, "amount", aliases=("资金（元）", "协作资金"), example="500000"),
        field_column(EastWestProject, "jobs", kind=Kind.INT, aliases=("就业人数",), example="20"),
        field_column(EastWestProject, "status", aliases=("状态",), example="实施中"),
    ),
    natural_key=("year", "project"),
    list_fields=("year", "project", "partner", "category", "amount", "jobs", "status"),
    filter_fields=("year", "category", "status"),
))

MEETING = register_ledger(LedgerKind(
    key="meeting", title="研判会议台账", area=AREA, model=Meeting, match=Match.REGION,
    description="村“两委”和驻村工作队每周研判、乡村振兴局每月与部门数据比对的联席会议：日期、参会人员、研判农户和结果。",
    source="004 任务1、任务2",
    columns=(
        field_column(Meeting, "kind", aliases=("类别",), synonyms={"每周研判": "村级每周研判", "联席会议": "部门数据比对联席会议"},
                     example="村级每周研判"),
        field_column(Meeting, "held_on", aliases=("日期", "研判日期"), example="2025-06-25"),
        field_column(Meeting, "attendees", aliases=("参会人",), example="村支书、村主任、第一书记、工作队员"),
        field_column(Meeting, "households", kind=Kind.INT, aliases=("研判户数",), example="3"),
        field_column(Meeting, "outcome", aliases=("结果",), example="拟纳入监测 1 户（王某）"),
    ),
    natural_key=("kind", "held_on"),
    list_fields=("kind", "held_on", "attendees", "households", "outcome"),
    filter_fields=("kind",),
    date_field="held_on",
    notes=("村级每周研判填村代码；联席会议填县（或乡镇）代码。",),
    check_rows=_hook(check_meetings),
))

ASSIST_DAY = register_ledger(LedgerKind(
    key="assist_day", title="周三帮扶日台账", area=AREA, model=AssistDayVisit, match=Match.HOUSEHOLD,
    description="各帮扶单位组织帮扶干部每周三入户：帮助农户梳理年内政策落实情况，开展政策宣讲和感恩教育，"
                "记录发现和解决的问题。",
    source="002 一 2",
    columns=(
        field_column(AssistDayVisit, "day", aliases=("帮扶日", "日期", "走访日期"), example="2025-06-25"),
        field_column(AssistDayVisit, "helper", aliases=("帮扶人", "帮扶责任人"), example="李明"),
        field_column(AssistDayVisit, "unit", aliases=("单位",), example="县财政局"),
        field_column(AssistDayVisit, "policy_review", aliases=("梳理政策",), example="是"),
        field_column(AssistDayVisit, "briefing", aliases=("政策宣讲",), example="是"),
        field_column(AssistDayVisit, "problem", aliases=("问题",), example="医疗报销未到账"),
        field_column(AssistDayVisit, "solved", aliases=("是否解决",), example="否"),
    ),
    natural_key=("day",),
    list_fields=("day", "helper", "unit", "briefing", "problem", "solved"),
    filter_fields=("unit", "solved"),
    date_field="day",
    notes=("一户一个周三一行；日期须为星期三。",),
    check_rows=_hook(check_assist_days),
))
