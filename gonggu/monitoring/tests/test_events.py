"""The one event shape (core.events): named constructors, and the household timeline reading case and warning
events through the common fields."""

import datetime as dt

import pytest
from django.urls import reverse

from gonggu.core.events import event_timeline
from gonggu.screening.models import WarningEvent, WarningStatus
from gonggu.screening.services import warning_verify
from gonggu.screening.tests.factories import finding, table
from gonggu.screening.write import warnings_write

from ..models import CaseEvent
from ..selectors import household_timeline
from ..workflow import CaseStatus, Procedure
from .factories import CaseFactory, household

pytestmark = pytest.mark.django_db


def test_record_fills_the_common_fields_and_the_step_label(regions, village_clerk):
    case = CaseFactory(household=household(regions["village"]), status=CaseStatus.MONITORING)
    e = CaseEvent.record(case, village_clerk, "township_review", "材料齐全", procedure=Procedure.IDENTIFICATION,
                         on_date=dt.date(2025, 3, 2), from_status="公示中", to_status="待县级审批", payload={"why": "test"})
    e.refresh_from_db()
    assert (e.subject, e.actor, e.action, e.title, e.note) == (case, village_clerk, "township_review", "乡级审核",
                                                                "材料齐全")
    assert (e.day, e.actor_display, e.kind_label) == (dt.date(2025, 3, 2), village_clerk.full_name or
                                                      village_clerk.username, "识别纳入")
    assert e.payload == {"why": "test"} and e.at is not None
    system = CaseEvent.record(case, None, CaseEvent.Action.OFFICER, procedure=Procedure.ASSISTANCE,
                              on_date=dt.date(2025, 3, 3))
    assert (system.actor_display, system.title) == ("", "明确帮扶责任人")


def test_an_action_outside_the_enum_is_refused(regions, village_clerk):
    case = CaseFactory(household=household(regions["village"]))
    with pytest.raises(ValueError, match="no action 'approve_all'"):
        CaseEvent.record(case, village_clerk, "approve_all", procedure=Procedure.IDENTIFICATION,
                         on_date=dt.date(2025, 3, 2))
    assert not CaseEvent.objects.filter(case=case).exists()


def test_household_timeline_reads_case_and_warning_events_alike(regions, village_clerk):
    hh = household(regions["village"])
    case = CaseFactory(household=hh)
    CaseEvent.record(case, village_clerk, CaseEvent.Action.GREEN_CHANNEL, "突发大病", procedure=Procedure.ASSISTANCE,
                     on_date=dt.date(2025, 3, 2))
    warnings_write(table(finding(hh, grade="red")), as_of=dt.date(2025, 3, 1))
    warning = hh.warnings.get()
    warning_verify(warning=warning, user=village_clerk, outcome=WarningStatus.REJECTED, note="收入稳定")

    events = [*CaseEvent.objects.filter(case=case), *WarningEvent.objects.filter(warning=warning)]
    lines = {(i.kind, i.title): i for i in event_timeline(events)}
    green = lines[("帮扶", "启用绿色通道")]
    assert (green.on, green.url) == (dt.date(2025, 3, 2), reverse("monitoring:case_detail", args=[case.pk]))
    assert green.detail == f"突发大病（{village_clerk.full_name or village_clerk.username}）"
    verified = lines[("预警", f"核实办结：{WarningStatus.REJECTED}")]
    assert verified.url == reverse("warning_detail", args=[warning.pk]) and "收入稳定" in verified.detail

    titles = [(i.kind, i.title) for i in household_timeline(hh)]
    assert ("帮扶", "启用绿色通道") in titles and ("预警", f"核实办结：{WarningStatus.REJECTED}") in titles
