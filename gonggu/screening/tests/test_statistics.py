"""Verification rates and overdue counts on a hand-made case."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from gonggu.screening.models import Warning
from gonggu.screening.selectors import statistics_for_user
from gonggu.screening.services import warning_verify
from gonggu.screening.write import warnings_write

from .factories import finding, household, table

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))
AS_OF = dt.date(2025, 4, 1)


@pytest.fixture
def case(regions, village_clerk):
    """东村: 4 warnings (red MED-HIGH-EXPENSE ×2 from 医保, orange INCOME-BELOW-LINE from the registry, yellow
    JOB-LOSS from 人社); 南村: 1 red. On 2025-04-03 the clerk verifies two (one 不予纳入, one 纳入监测); on
    2025-04-20 one more (late) ; then statistics on 2025-04-25."""
    east = [household(regions["village"]) for _ in range(4)]
    south = household(regions["village_c"])
    yb = {"source": "yb_expense", "batch_as_of": "2025-03-10"}
    warnings_write(table(
        finding(east[0], rule="MED-HIGH-EXPENSE", grade="red", evidence=yb),
        finding(east[1], rule="MED-HIGH-EXPENSE", grade="red", evidence=yb),
        finding(east[2], rule="INCOME-BELOW-LINE", grade="orange", evidence={"income_year": 2024}),
        finding(east[3], rule="JOB-LOSS", grade="yellow", evidence={"source": "rs_employment",
                                                                    "batch_as_of": "2025-03-01"}),
        finding(south, rule="MED-HIGH-EXPENSE", grade="red", evidence=yb),
    ), as_of=AS_OF)
    w = {(x.household_id): x for x in Warning.objects.all()}
    with time_machine.travel(dt.datetime(2025, 4, 3, 10, tzinfo=CST), tick=False):
        warning_verify(warning=w[east[0].pk], user=village_clerk, outcome="不予纳入", note="费用已报销")
        warning_verify(warning=w[east[2].pk], user=village_clerk, outcome="纳入监测")
    with time_machine.travel(dt.datetime(2025, 4, 20, 10, tzinfo=CST), tick=False):
        warning_verify(warning=w[east[1].pk], user=village_clerk, outcome="已是监测对象")
    return regions


def test_rates_per_village_township_and_department(case, county_admin):
    stats = statistics_for_user(county_admin, today=dt.date(2025, 4, 25))
    east = next(r for r in stats.villages if r.key == case["village"].code)
    south = next(r for r in stats.villages if r.key == case["village_c"].code)
    assert (east.raised, east.verified, east.pending, east.overdue, east.late) == (4, 3, 1, 1, 1)
    assert east.rate == 75.0 and east.on_time_rate == pytest.approx(66.7)
    assert east.outcomes == {"纳入监测": 1, "不予纳入": 1, "已是监测对象": 1, "数据有误": 0}
    # 南村's red warning was due 2025-04-04 and is still open.
    assert (south.raised, south.verified, south.overdue, south.rate) == (1, 0, 1, 0.0)
    assert [t.name for t in stats.townships] == ["城关镇", "白沙镇"]
    assert (stats.total.raised, stats.total.verified, stats.total.overdue) == (5, 3, 2)
    by_dept = {r.name: r for r in stats.departments}
    assert (by_dept["医保"].raised, by_dept["医保"].verified, by_dept["医保"].overdue) == (3, 2, 1)
    assert by_dept["农业农村"].verified == 1 and by_dept["人社"].pending == 1


def test_statistics_are_scoped(case, village_clerk, township_reviewer, other_county_user):
    today = dt.date(2025, 4, 25)
    assert [r.key for r in statistics_for_user(village_clerk, today=today).villages] == [case["village"].code]
    assert statistics_for_user(township_reviewer, today=today).total.raised == 4
    assert statistics_for_user(other_county_user, today=today).total.raised == 0


def test_statistics_page_shows_the_numbers(case, township_reviewer, login):
    with time_machine.travel(dt.datetime(2025, 4, 25, 9, tzinfo=CST), tick=False):
        page = login(township_reviewer).get(reverse("screening_statistics")).content.decode()
    assert "东村" in page and "南村" not in page
    assert "75.0%" in page and "逾期未核实的预警（1）" in page


def test_period_filter(case, county_admin):
    assert statistics_for_user(county_admin, since=dt.date(2025, 4, 2)).total.raised == 0
    assert statistics_for_user(county_admin, until=dt.date(2025, 4, 1)).total.raised == 5
