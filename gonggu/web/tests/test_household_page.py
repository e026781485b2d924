"""一户一档: the household page gathers warnings, the monitoring record, measures, visits and every ledger's rows."""

import datetime as dt

import pytest
from django.urls import reverse

from gonggu.guarantees.models import DropoutFile
from gonggu.ledgers.kinds import LEDGERS
from gonggu.ledgers.selectors import household_ledgers
from gonggu.monitoring.tests.factories import CaseFactory, household, measure, visit
from gonggu.registry.panels import HOUSEHOLD_PANELS
from gonggu.rules.catalog import CATALOG
from gonggu.screening.models import Warning

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(regions):
    hh = household(regions["village"])
    child = hh.members.first()
    rule = next(iter(CATALOG.of_kind("screening")))
    Warning.objects.create(rule=rule.code, household=hh, region_code=hh.region_code, grade="red", risk_type="因学",
                           first_raised_on=dt.date(2025, 3, 1), last_seen_on=dt.date(2025, 3, 1),
                           deadline=dt.date(2025, 3, 15))
    case = CaseFactory(household=hh)
    measure(case, "教育帮扶", dt.date(2025, 2, 1))
    visit(case, dt.date(2025, 2, 20))
    DropoutFile.objects.create(region_code=hh.region_code, household=hh, person=child, id_number=child.id_number,
                               found_on=dt.date(2025, 3, 2), kind="疑似辍学", school="城关镇中学")
    return {"household": hh, "case": case, "rule": rule}


def test_every_section_on_the_page(home, village_clerk, login):
    hh = home["household"]
    page = login(village_clerk).get(reverse("household_detail", args=[hh.pk])).content.decode()
    for title in ("家庭成员", "收入", "预警", "监测帮扶", "帮扶措施和走访", "各项台账"):
        assert f">{title}</" in page
    assert home["rule"].title in page
    assert reverse("monitoring:case_detail", args=[home["case"].pk]) in page
    assert "教育帮扶" in page and "王帮扶" in page
    assert "控辍保学台账" in page and "城关镇中学" in page
    row = DropoutFile.objects.get()
    assert reverse("ledger_row", args=["dropout", row.pk]) in page
    assert home["rule"].code not in page.replace(f"rule={home['rule'].code}", "")


def test_ledger_rows_come_from_one_loop_over_kinds(home, village_clerk):
    shown = household_ledgers(village_clerk, home["household"])
    assert [item.kind.key for item in shown] == ["dropout"]
    assert shown[0].rows[0]["values"][0][0] == LEDGERS["dropout"].label(LEDGERS["dropout"].shown_fields[0])
    assert all(k.has_field("household") for k in LEDGERS.values() if k.key in {i.kind.key for i in shown})


def test_ledger_rows_are_scoped(home, regions, login):
    from conftest import make_user
    from gonggu.accounts.permissions import Role

    other = make_user("other_clerk", Role.VILLAGE_CLERK, regions["village_b"])
    assert household_ledgers(other, home["household"]) == []
    assert login(other).get(reverse("household_detail", args=[home["household"].pk])).status_code == 404


def test_panels_registered_in_order():
    assert [p.key for p in HOUSEHOLD_PANELS.ordered()] == [
        "warnings", "monitoring", "assistance", "meetings", "ledgers"]
