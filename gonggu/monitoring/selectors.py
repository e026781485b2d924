"""Reads of monitoring, scoped to the user's region; out of scope looks exactly like missing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from gonggu.core.access import Perm, get_in_scope
from gonggu.core.codes import Level, in_scope_q
from gonggu.core.events import TimelineItem, event_timeline
from gonggu.registry.models import Household

from .deadlines import Clock, Clocks
from .models import (
    CaseEvent,
    Clue,
    Elimination,
    Measure,
    MonitoringCase,
    NoLabourDesignation,
    Notice,
    Objection,
    Visit,
)
from .workflow import (
    CASE_APPROVED_OPEN,
    MIN_NOTICE_DAYS,
    CaseStatus,
    EliminationStatus,
    NoLabourStatus,
)

# --- scoped querysets -----------------------------------------------------------------------------


def open_case_household_count(prefix: str | None) -> int:
    """Households 监测帮扶中 (approved, risk not yet eliminated) in a region: the one count the 一口清 and the home
    page show."""
    return (MonitoringCase.objects.filter(in_scope_q("region_code", prefix), status__in=CASE_APPROVED_OPEN)
            .values("household_id").distinct().count())


def cases_for_user(user) -> QuerySet[MonitoringCase]:
    return MonitoringCase.objects.filter(in_scope_q("region_code", user.scope_prefix))


def case_get_for_user(user, pk: int) -> MonitoringCase:
    return get_in_scope(MonitoringCase.objects.select_related("household", "household__village", "officer",
                                                              "notice", "clue"), user, pk, what="监测对象")


def clues_for_user(user) -> QuerySet[Clue]:
    return Clue.objects.filter(in_scope_q("region_code", user.scope_prefix))


def clue_get_for_user(user, pk: int) -> Clue:
    return get_in_scope(Clue.objects.select_related("village", "household"), user, pk, what="线索")


def notices_for_user(user) -> QuerySet[Notice]:
    return Notice.objects.filter(in_scope_q("region_code", user.scope_prefix))


def notice_get_for_user(user, pk: int) -> Notice:
    return get_in_scope(Notice.objects.select_related("village", "village__parent"), user, pk, what="公示")


def objection_get_for_user(user, pk: int) -> Objection:
    return get_in_scope(Objection.objects.select_related("notice", "case"), user, pk, what="异议",
                        field="notice__region_code")


def elimination_get_for_user(user, pk: int) -> Elimination:
    return get_in_scope(Elimination.objects.select_related("case", "case__household", "notice"), user, pk,
                        what="风险消除程序")


def nolabour_get_for_user(user, pk: int) -> NoLabourDesignation:
    return get_in_scope(NoLabourDesignation.objects.select_related("case", "case__household", "notice"), user,
                        pk, what="兜底保障户认定")


def measure_get_for_user(user, pk: int) -> Measure:
    return get_in_scope(Measure.objects.select_related("case", "household"), user, pk, what="帮扶措施")


def visit_get_for_user(user, pk: int) -> Visit:
    return get_in_scope(Visit, user, pk, what="走访记录")


def household_get_for_user(user, pk: int) -> Household:
    return get_in_scope(Household.objects.select_related("village", "village__parent"), user, pk, what="农户")


def households_search(user, text: str, *, village_code: str | None = None, limit: int = 20) -> list[Household]:
    """Households of the user's scope by 户编号, head's name or a member's identity number."""
    text = (text or "").strip()
    if not text:
        return []
    qs = Household.objects.filter(in_scope_q("region_code", user.scope_prefix))
    if village_code:
        qs = qs.filter(region_code=village_code)
    cond = Q(household_no__startswith=text) | Q(head_name__contains=text)
    if len(text) >= 6:
        cond |= Q(members__id_number=text.upper())
    return list(qs.filter(cond).select_related("village").distinct().order_by("household_no")[:limit])


# --- notices --------------------------------------------------------------------------------------


def notice_block_reason(obj, *, today: dt.date) -> str | None:
    """Why the step after a village notice may not pass yet, or None when the notice closed cleanly.

    Clean = the notice was posted and lasted at least 5 days from the day it was really posted, its window
    is over, every objection concerning the household (or the whole list) is handled, and none was upheld.
    """
    notice = obj.notice
    case = getattr(obj, "case", None) or obj
    if notice is None:
        return "尚未进行村内公示。"
    if notice.posted_on is None or not notice.posted_place:
        return "公示的张贴情况（张贴日期、地点）尚未登记。"
    effective_start = max(notice.start_on, notice.posted_on)
    days = (notice.end_on - effective_start).days + 1
    if days < MIN_NOTICE_DAYS:
        return f"公示实际张贴 {days} 天，不足 {MIN_NOTICE_DAYS} 天，须重新公示。"
    if today <= notice.end_on:
        return (f"公示期至 {notice.end_on:%Y-%m-%d} 止，公示期间不能办理下一步；"
                f"{notice.end_on + dt.timedelta(days=1):%Y-%m-%d} 起可以办理。")
    concerning = notice.objections.filter(Q(case=case) | Q(case__isnull=True))
    open_count = concerning.filter(status=Objection.Status.OPEN).count()
    if open_count:
        return f"公示收到的异议还有 {open_count} 件未处理完毕，处理后才能办理下一步。"
    upheld = concerning.filter(status=Objection.Status.UPHELD).first()
    if upheld is not None:
        return f"公示异议经核实成立（{upheld.handling[:40]}），应退回修改或作出不予通过的决定。"
    return None


@dataclass
class NoticeState:
    label: str
    colour: str


def notice_state(notice: Notice, *, today: dt.date | None = None) -> NoticeState:
    today = today or timezone.localdate()
    if not notice.windowed:
        return NoticeState("已公告" if notice.posted_on else "待张贴", "green" if notice.posted_on else "amber")
    open_objections = sum(1 for o in notice.objections.all() if o.status == Objection.Status.OPEN)
    if notice.posted_on is None:
        return NoticeState("待登记张贴情况", "amber")
    if today < notice.start_on:
        return NoticeState("未开始", "grey")
    if today <= notice.end_on:
        left = (notice.end_on - today).days
        text = f"公示中（{'今天' if left == 0 else f'还剩 {left} 天'}截止）"
        return NoticeState(text + (f"，异议 {open_objections} 件待处理" if open_objections else ""), "amber")
    if open_objections:
        return NoticeState(f"期满，异议 {open_objections} 件待处理", "red")
    return NoticeState("公示期满", "green")


# --- lists with clocks ----------------------------------------------------------------------------


@dataclass
class Row:
    """One line of a work queue or list: what, whose, which step, since when, with its clocks."""

    kind: str            # clue / case / elimination / nolabour / notice / plan / visit / objection
    obj: object
    case: MonitoringCase | None
    household: Household | None
    step: str
    url: str
    village: str = ""
    since: dt.date | None = None
    clocks: list[Clock] = field(default_factory=list)
    ready: bool = True     # False = waiting on time (notice running), shown but not actionable
    note: str = ""

    @property
    def colour(self) -> str:
        order = {"red": 0, "amber": 1, "green": 2}
        return min((c.colour for c in self.clocks), key=order.get, default="")


def _village_names(codes: set[str]) -> dict[str, str]:
    from gonggu.regions.models import Region

    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def case_rows(cases, clocks: Clocks, *, step=None) -> list[Row]:
    from django.urls import reverse

    cases = list(cases)
    names = _village_names({c.region_code for c in cases})
    rows = []
    for c in cases:
        rows.append(Row("case", c, c, c.household, step or c.get_status_display(),
                        reverse("monitoring:case_detail", args=[c.pk]), names.get(c.region_code, ""),
                        c.discovered_on, clocks.for_case(c)))
    return rows


def clue_rows(clues, clocks: Clocks) -> list[Row]:
    from django.urls import reverse

    clues = list(clues)
    names = _village_names({c.region_code for c in clues})
    return [Row("clue", c, None, c.household, f"线索待受理（{c.get_channel_display()}）",
                reverse("monitoring:clue_detail", args=[c.pk]), names.get(c.region_code, ""), c.discovered_on,
                clocks.for_clue(c)) for c in clues]


def _procedure_rows(qs, kind: str, url_name: str, clocks: Clocks, today: dt.date, *, notice_status=None) -> list[Row]:
    from django.urls import reverse

    items = list(qs.select_related("case", "case__household", "notice"))
    names = _village_names({i.region_code for i in items})
    rows = []
    for item in items:
        ready = True
        note = ""
        if notice_status is not None and item.status == notice_status:
            reason = notice_block_reason(item, today=today)
            ready = reason is None
            note = reason or ""
        rows.append(Row(kind, item, item.case, item.case.household, item.get_status_display(),
                        reverse(url_name, args=[item.case_id]) + f"#{kind}", names.get(item.region_code, ""),
                        item.started_on, clocks.for_case(item.case), ready, note))
    return rows


def work_queue(user, *, today: dt.date | None = None) -> list[Row]:
    """What is waiting for this user, by role and level, most urgent first."""
    today = today or timezone.localdate()
    clocks = Clocks(today)
    region = user.region
    level = region.level if region is not None else None
    rows: list[Row] = []
    if level == Level.VILLAGE and user.has_perm_code(Perm.MANAGE_CASES):
        code = region.code
        rows += clue_rows(Clue.objects.filter(region_code=code, status=Clue.Status.NEW).select_related("household"),
                          clocks)
        rows += case_rows(MonitoringCase.objects.filter(
            region_code=code, status__in=[CaseStatus.VERIFYING, CaseStatus.COMPARING, CaseStatus.SELECTING,
                                          CaseStatus.RETURNED, CaseStatus.ENTRY]).select_related("household"),
            clocks)
        rows += case_rows(MonitoringCase.objects.filter(region_code=code).filter(
            Q(status__in=CASE_APPROVED_OPEN) | Q(green_channel=True, status__in=[
                CaseStatus.VERIFYING, CaseStatus.COMPARING, CaseStatus.SELECTING, CaseStatus.NOTICE,
                CaseStatus.COUNTY, CaseStatus.RETURNED])).filter(plan_on__isnull=True).select_related("household"),
            clocks, step="制定帮扶计划（一户一策）")
        rows += _procedure_rows(Elimination.objects.filter(region_code=code, status__in=[
            EliminationStatus.VERIFYING, EliminationStatus.SELECTING, EliminationStatus.RETURNED,
            EliminationStatus.MARKING]), "elimination", "monitoring:case_detail", clocks, today)
        rows += _procedure_rows(NoLabourDesignation.objects.filter(region_code=code, status__in=[
            NoLabourStatus.VERIFYING, NoLabourStatus.SELECTING, NoLabourStatus.RETURNED, NoLabourStatus.MARKING]),
            "nolabour", "monitoring:case_detail", clocks, today)
    if level == Level.TOWNSHIP and user.has_perm_code(Perm.REVIEW_TOWNSHIP):
        scope = in_scope_q("region_code", region.prefix)
        notice_cases = MonitoringCase.objects.filter(scope, status=CaseStatus.NOTICE).select_related(
            "household", "notice")
        for row in case_rows(notice_cases, clocks, step="乡级审核"):
            reason = notice_block_reason(row.obj, today=today)
            row.ready, row.note = reason is None, reason or ""
            rows.append(row)
        rows += case_rows(MonitoringCase.objects.filter(scope, status=CaseStatus.ANNOUNCE).select_related(
            "household"), clocks, step="结果公告")
        rows += case_rows(MonitoringCase.objects.filter(scope).filter(
            Q(status__in=CASE_APPROVED_OPEN) | Q(green_channel=True, status__in=[
                CaseStatus.NOTICE, CaseStatus.COUNTY])).filter(officer__isnull=True, officer_name="").select_related(
            "household"), clocks, step="明确帮扶责任人")
        rows += _procedure_rows(Elimination.objects.filter(scope, status__in=[
            EliminationStatus.NOTICE, EliminationStatus.ANNOUNCE]), "elimination", "monitoring:case_detail", clocks,
            today, notice_status=EliminationStatus.NOTICE)
        rows += _procedure_rows(NoLabourDesignation.objects.filter(scope, status=NoLabourStatus.NOTICE),
                                "nolabour", "monitoring:case_detail", clocks, today,
                                notice_status=NoLabourStatus.NOTICE)
    if level == Level.COUNTY and user.has_perm_code(Perm.APPROVE_COUNTY):
        scope = in_scope_q("region_code", region.prefix)
        county_cases = MonitoringCase.objects.filter(scope, status=CaseStatus.COUNTY).select_related(
            "household", "notice")
        for row in case_rows(county_cases, clocks, step="县级审批"):
            reason = notice_block_reason(row.obj, today=today)
            row.ready, row.note = reason is None, reason or ""
            rows.append(row)
        rows += _procedure_rows(Elimination.objects.filter(scope, status=EliminationStatus.COUNTY), "elimination",
                                "monitoring:case_detail", clocks, today)
        rows += _procedure_rows(NoLabourDesignation.objects.filter(scope, status=NoLabourStatus.FILING), "nolabour",
                                "monitoring:case_detail", clocks, today)
    if user.has_perm_code(Perm.RECORD_VISITS):
        rows += visits_due_rows(user, today=today, clocks=clocks)
    order = {"red": 0, "amber": 1, "green": 2, "": 3}
    rows.sort(key=lambda r: (not r.ready, order[r.colour], r.since or today))
    return rows


def visits_due_rows(user, *, today: dt.date, clocks: Clocks) -> list[Row]:
    """Open cases this 帮扶责任人 looks after with no visit in the last 31 days (C-VISIT-MONTHLY)."""
    from django.urls import reverse

    since = today - dt.timedelta(days=30)
    mine = MonitoringCase.objects.filter(officer=user, status__in=CASE_APPROVED_OPEN).select_related("household")
    recent = set(Visit.objects.filter(case__in=mine, visited_on__gte=since, visited_on__lte=today).values_list(
        "case_id", flat=True))
    rows = []
    last = dict(Visit.objects.filter(case__in=mine).order_by("case_id", "visited_on").values_list(
        "case_id", "visited_on"))
    names = _village_names({c.region_code for c in mine})
    for c in mine:
        if c.pk in recent:
            continue
        prev = last.get(c.pk)
        note = f"上次走访 {prev:%Y-%m-%d}" if prev else "尚无走访记录"
        rows.append(Row("visit", c, c, c.household, "本月入户走访", reverse("monitoring:visit_new", args=[c.pk]),
                        names.get(c.region_code, ""), prev, [], True, note))
    return rows


def case_list(user, *, status: str = "", village: str = "", channel: str = "", text: str = "",
              overdue: bool = False) -> QuerySet[MonitoringCase]:
    qs = cases_for_user(user).select_related("household")
    if status:
        qs = qs.filter(status=status)
    if village:
        qs = qs.filter(in_scope_q("region_code", village))
    if channel:
        qs = qs.filter(channel=channel)
    if text:
        qs = qs.filter(Q(household__household_no__startswith=text) | Q(household__head_name__contains=text))
    return qs.order_by("-discovered_on", "-id")


def case_events(case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")


def case_notices(case) -> list[Notice]:
    return list(case.notices.prefetch_related("objections").order_by("start_on", "id"))


def officers_for_case(case):
    """帮扶责任人 users who may be assigned: role assistance_officer, attached above or at the village."""
    from gonggu.accounts.models import User
    from gonggu.accounts.permissions import Role

    code = case.region_code
    candidates = User.objects.filter(role=Role.ASSISTANCE_OFFICER, is_active=True).select_related("region")
    return [u for u in candidates.filter(region__code__startswith=code[:6]) if u.region and
            code.startswith(u.region.prefix)]


# --- household timeline ---------------------------------------------------------------------------


def household_timeline(household: Household) -> list[TimelineItem]:
    """Clues, warnings, procedure steps, notices, measures, visits and incomes of one household, by date.

    The events of its cases and warnings are read through `event_timeline`, whatever their model."""
    from django.urls import reverse

    from .integration import household_warning_events, household_warnings

    items: list[TimelineItem] = []
    for clue in Clue.objects.filter(household=household):
        items.append(TimelineItem(clue.discovered_on, "线索", f"发现风险线索（{clue.get_channel_display()}）",
                                  clue.risk_types or clue.difficulty[:60], reverse("monitoring:clue_detail",
                                                                                    args=[clue.pk]),
                                  clue.get_status_display()))
    for w in household_warnings(household):
        if w.get("raised_on"):
            items.append(TimelineItem(w["raised_on"], "预警", f"部门筛查预警：{w['title']}",
                                      f"{w.get('risk_type') or ''} {w.get('detail') or ''}".strip(),
                                      reverse("warning_detail", args=[w["id"]]), w.get("status") or ""))
    events = [*CaseEvent.objects.filter(case__household=household), *household_warning_events(household)]
    items += event_timeline(events)
    for case in MonitoringCase.objects.filter(household=household, imported=True):
        url = reverse("monitoring:case_detail", args=[case.pk])
        for on, title in ((case.discovered_on, "发现风险线索（导入）"), (case.notice_start, "村内公示（导入）"),
                          (case.county_approved_on, "县级审批纳入（导入）"),
                          (case.entered_on, "录入系统（导入）"), (case.plan_on, "制定帮扶计划（导入）"),
                          (case.elim_notice_start, "风险消除公示（导入）"),
                          (case.eliminated_on, f"风险消除（{case.elimination_method or '导入'}）")):
            if on:
                items.append(TimelineItem(on, "监测记录", title, case.risk_types, url))
    for notice in Notice.objects.filter(cases__household=household).distinct():
        items.append(TimelineItem(notice.start_on, "公示公告", notice.get_kind_display(),
                                  f"{notice.start_on:%Y-%m-%d}" + (f" 至 {notice.end_on:%Y-%m-%d}" if notice.end_on
                                                                   else ""),
                                  reverse("monitoring:notice_detail", args=[notice.pk])))
        for o in notice.objections.filter(Q(case__household=household) | Q(case__isnull=True)):
            items.append(TimelineItem(o.received_on, "公示公告", "收到公示异议", o.content[:60], "",
                                      o.get_status_display()))
    for m in Measure.objects.filter(household=household):
        items.append(TimelineItem(m.start_on, "帮扶措施", f"开始：{m.category}", m.content[:80]))
        if m.end_on:
            items.append(TimelineItem(m.end_on, "帮扶措施", f"结束：{m.category}", m.content[:40]))
    for v in Visit.objects.filter(household=household):
        items.append(TimelineItem(v.visited_on, "走访", f"入户走访（{v.visitor_name}）", v.content[:80]))
    for inc in household.incomes.all():
        items.append(TimelineItem(dt.date(inc.year, 12, 31), "收入", f"{inc.year} 年收入",
                                  f"人均纯收入 {inc.per_capita:,.2f} 元，家庭纯收入 {inc.net_income:,.2f} 元"))
    items.sort(key=lambda i: (i.on, i.kind))
    return items


def household_active_case(household) -> MonitoringCase | None:
    from .workflow import CASE_ACTIVE

    return household.monitoring_cases.filter(status__in=CASE_ACTIVE).order_by("-id").first()


def household_cases(household) -> QuerySet[MonitoringCase]:
    """Every monitoring record of one household, newest first (for the household page)."""
    return household.monitoring_cases.order_by("-discovered_on", "-id")


def household_measures(household) -> QuerySet[Measure]:
    return Measure.objects.filter(household=household).select_related("beneficiary").order_by("-start_on", "-id")


def household_visits(household) -> QuerySet[Visit]:
    return Visit.objects.filter(household=household).order_by("-visited_on", "-id")
