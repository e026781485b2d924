"""Each workbench provider against the real database: what it shows, in which order, scoped to the region."""

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.core.departments import Department
from gonggu.dataio.models import IntakeBatch
from gonggu.monitoring.tests.factories import CaseFactory, ClueFactory, household, measure
from gonggu.monitoring.workflow import CaseStatus
from gonggu.screening.models import Warning, WarningStatus
from gonggu.sources.factories import make_batch
from gonggu.tasks.factories import make_list, make_unit
from gonggu.web.workbench import PROVIDERS, items_for

TODAY = dt.date(2025, 6, 10)

pytestmark = pytest.mark.django_db

LIST = """某县任务清单
序号\t工作任务\t牵头单位\t责任单位\t完成时限
1\t甲任务。内容甲。\t县乡村振兴局\t城关镇\t2025年6月5日
2\t乙任务。内容乙。\t县乡村振兴局\t城关镇\t2025年12月31日
"""


@pytest.fixture
def today(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 10, 9, 0))
    return TODAY


_rules = itertools.count(1)


def warning(hh, *, deadline, status=WarningStatus.PENDING, department="mz"):
    # One warning per rule and household: each test warning is a rule of its own.
    return Warning.objects.create(rule=f"TEST-{next(_rules)}", household=hh, region_code=hh.region_code, grade="red",
                                  risk_type="因病", department=department, first_raised_on=deadline - dt.timedelta(10),
                                  last_seen_on=deadline - dt.timedelta(10), deadline=deadline, status=status)


def titles(user, today):
    return [s.item.title for s in items_for(user, today=today)]


def test_every_provider_registered_once():
    items_for  # noqa: B018  (importing the package registers the providers)
    from gonggu.web.workbench import providers  # noqa: F401

    names = [p.fn.__name__ for p in PROVIDERS]
    assert len(names) == len(set(names))
    assert {"monitoring_queue", "warnings_to_verify", "tasks_due", "stale_lists", "rule_findings"} <= set(names)


def test_village_clerk_sees_warnings_by_deadline_overdue_first(regions, village_clerk, today):
    hh = household(regions["village"])
    warning(hh, deadline=today + dt.timedelta(days=20))
    warning(hh, deadline=today - dt.timedelta(days=3))
    warning(hh, deadline=today - dt.timedelta(days=3))
    warning(household(regions["village_b"]), deadline=today - dt.timedelta(days=30))   # the neighbour's
    clue = ClueFactory(household=hh, discovered_on=today - dt.timedelta(days=2))
    shown = items_for(village_clerk, today=today)
    first = shown[0]
    assert first.urgency == "overdue"
    assert first.item.title == "核实筛查预警（2 条）"
    assert first.item.url == reverse("warning_inbox")
    assert first.late == 3
    later = [s for s in shown if s.item.title == "核实筛查预警（1 条）"]
    assert len(later) == 1 and later[0].urgency == "later"
    assert any(s.item.url == reverse("monitoring:clue_detail", args=[clue.pk]) for s in shown)
    order = [s.urgency for s in shown]
    assert order == sorted(order, key=["overdue", "soon", "later", "open"].index)


def test_home_page_links_the_first_item(regions, village_clerk, login, today):
    hh = household(regions["village"])
    warning(hh, deadline=today - dt.timedelta(days=1))
    page = login(village_clerk).get("/").content.decode()
    assert "我的工作台" in page
    assert f'href="{reverse("warning_inbox")}"' in page
    assert "已逾期 1 天" in page


def test_township_sees_overdue_villages_of_its_own_township(regions, township_reviewer, today):
    warning(household(regions["village"]), deadline=today - dt.timedelta(days=5))
    warning(household(regions["village_b"]), deadline=today + dt.timedelta(days=5))   # not overdue
    warning(household(regions["village_c"]), deadline=today - dt.timedelta(days=5))  # other township
    shown = [s for s in items_for(township_reviewer, today=today) if s.item.area == "筛查预警"]
    assert [s.item.title for s in shown] == ["东村：预警逾期未核实（1 条）"]
    assert "village=410122100201" in shown[0].item.url and "overdue=1" in shown[0].item.url


def test_township_review_of_a_case_is_an_item(regions, township_reviewer, today):
    hh = household(regions["village"])
    case = CaseFactory(household=hh, status=CaseStatus.ANNOUNCE, discovered_on=today - dt.timedelta(days=20),
                       county_approved_on=today - dt.timedelta(days=2), entered_on=None, plan_on=None)
    shown = items_for(township_reviewer, today=today)
    hits = [s for s in shown if s.item.url == reverse("monitoring:case_detail", args=[case.pk])]
    assert hits and hits[0].item.title == "结果公告"
    assert hits[0].item.due is not None


def test_county_sees_townships_tasks_stale_lists_and_rejected_imports(regions, county_admin, department_user,
                                                                      today):
    warning(household(regions["village"]), deadline=today - dt.timedelta(days=5))
    warning(household(regions["village_c"]), deadline=today - dt.timedelta(days=8))
    warning(household(regions["other_village"]), deadline=today - dt.timedelta(days=8))   # other county
    make_unit(county_admin, "县乡村振兴局", regions["county"], members=[department_user])
    make_unit(county_admin, "城关镇", regions["township"])
    make_list(county_admin, regions["county"], LIST)
    make_batch("mz_assistance", as_of=today - dt.timedelta(days=90), region_code=regions["county"].code)
    IntakeBatch.objects.create(format="registry", file_name="户籍.xlsx", checksum="x" * 64,
                               region_code=regions["county"].code, rejected_rows=4, rows=10,
                               status=IntakeBatch.Status.APPLIED, created_by=county_admin)
    shown = items_for(county_admin, today=today)
    got = {s.item.title: s for s in shown}
    assert "城关镇：预警逾期未核实（1 条）" in got and "白沙镇：预警逾期未核实（1 条）" in got
    assert not any("孝义" in t for t in got)
    overdue_task = next(s for s in shown if s.item.title.startswith("督办：") and "甲任务" in s.item.title)
    assert overdue_task.urgency == "overdue" and overdue_task.item.due == dt.date(2025, 6, 5)
    assert not any("乙任务" in t for t in got)     # due in December: not a to-do yet
    stale = got["低保特困等救助名单：已过期，请导入新名单"]
    assert stale.urgency == "overdue" and stale.item.url == reverse("batch_list")
    rejected = next(s for s in shown if "4 行被拒收" in s.item.title)
    assert rejected.item.url.startswith("/intake/batches/")
    assert [s.urgency for s in shown][0] == "overdue"


def test_department_sees_its_lists_and_how_its_warnings_ended(regions, department_user, today):
    hh = household(regions["village"])
    warning(hh, deadline=today + dt.timedelta(days=3))
    warning(hh, deadline=today - dt.timedelta(days=9), status=WarningStatus.INCLUDED)
    warning(hh, deadline=today - dt.timedelta(days=9), status=WarningStatus.DATA_ERROR)
    warning(hh, deadline=today - dt.timedelta(days=9), department="yb")     # another department's
    make_batch("mz_assistance", as_of=today - dt.timedelta(days=10), region_code=regions["county"].code)
    got = {s.item.title: s for s in items_for(department_user, today=today)}
    assert got["本部门数据产生的预警：待村级核实（1 条）"].urgency == "soon"
    assert "本部门数据产生的预警：已核实·纳入监测（1 条）" in got
    assert "本部门数据产生的预警：已核实·数据有误（1 条）" in got
    assert "department=mz" in got["本部门数据产生的预警：已核实·纳入监测（1 条）"].item.url
    assert "低保特困等救助名单：数据截至" in got       # its own list, fresh
    assert not any(t.startswith("基本医疗保险参保名单") for t in got)   # 医保's list, not 民政's


def test_assistance_officer_sees_households_measures_and_visits(regions, today):
    officer = make_user("bangfu", Role.ASSISTANCE_OFFICER, regions["village"])
    hh = household(regions["village"])
    case = CaseFactory(household=hh, officer=officer, county_approved_on=today - dt.timedelta(days=60))
    other = CaseFactory(household=household(regions["village"]), officer=officer,
                        county_approved_on=today - dt.timedelta(days=60))
    measure(other, "产业帮扶", today - dt.timedelta(days=30))
    shown = items_for(officer, today=today)
    urls = [s.item.url for s in shown]
    assert reverse("monitoring:case_detail", args=[case.pk]) + "#assistance" in urls
    assert reverse("monitoring:case_detail", args=[other.pk]) + "#assistance" not in urls
    assert reverse("household_detail", args=[hh.pk]) in urls
    visits = [s for s in shown if s.item.url == reverse("monitoring:visit_new", args=[case.pk])]
    assert visits and visits[0].item.due == dt.date(2025, 6, 30)
    assert shown[0].item.title == "录入帮扶措施" and shown[0].urgency == "overdue"


def test_leader_home_is_the_cockpit(leader, login):
    response = login(leader).get("/")
    assert response.status_code == 302 and response["Location"] == reverse("cockpit")


def test_region_counts_no_longer_the_home_page(village_clerk, login):
    page = login(village_clerk).get("/").content.decode()
    assert "目前没有待办事项" in page
    assert "级区划" not in page


def test_department_user_role_check(regions):
    user = make_user("bumen_yb", Role.DEPARTMENT_USER, regions["county"], department=Department.YB)
    assert items_for(user, today=TODAY) == [] or all(s.item.url for s in items_for(user, today=TODAY))
