import pytest
from django.urls import reverse

from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.screening.hooks import register_inclusion_handler, unregister_inclusion_handler
from gonggu.screening.models import Warning, WarningEvent, WarningStatus
from gonggu.screening.services import warning_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit_handler():
    def handler(warning, *, user):
        audit_log(user=user, action=AuditEvent.Action.CREATE, object_type="monitoring_clue",
                  object_id=warning.pk, region_code=warning.region_code, summary=f"线索来自预警 {warning.pk}")

    register_inclusion_handler(handler)
    yield handler
    unregister_inclusion_handler(handler)


@pytest.fixture
def failing_handler():
    def handler(warning, *, user):
        audit_log(user=user, action=AuditEvent.Action.CREATE, object_type="monitoring_clue", object_id=warning.pk)
        raise RuntimeError("监测模块出错")

    register_inclusion_handler(handler)
    yield handler
    unregister_inclusion_handler(handler)


@pytest.mark.parametrize("outcome", ["纳入监测", "不予纳入", "已是监测对象", "数据有误"])
def test_each_outcome_through_the_page(warnings, village_clerk, login, outcome):
    client = login(village_clerk)
    w = warnings["village"]
    response = client.post(reverse("warning_verify", args=[w.pk]), {"outcome": outcome, "note": "入户核实情况"})
    assert response.status_code == 302 and response["Location"] == reverse("warning_inbox")
    w.refresh_from_db()
    assert w.status == outcome and w.verified_by == village_clerk and w.verification_note == "入户核实情况"
    assert w.ended_on is not None and w.verified_at is not None
    assert w.events.filter(action=WarningEvent.Action.VERIFIED, from_status="待核实", to_status=outcome).exists()
    assert AuditEvent.objects.filter(object_type="screening_warning", object_id=str(w.pk)).exists()
    # Ended: out of the inbox, and cannot be verified twice.
    assert f'data-warning="{w.pk}"' not in client.get(reverse("warning_inbox")).content.decode()
    again = client.post(reverse("warning_verify", args=[w.pk]), {"outcome": "不予纳入", "note": "再次"})
    assert again.status_code == 400 and "已办结" in again.content.decode()


@pytest.mark.parametrize("outcome", ["不予纳入", "数据有误"])
def test_reason_required(warnings, village_clerk, login, outcome):
    w = warnings["village"]
    response = login(village_clerk).post(reverse("warning_verify", args=[w.pk]), {"outcome": outcome, "note": "  "})
    assert response.status_code == 400
    assert "必须" in response.content.decode()
    w.refresh_from_db()
    assert w.status == WarningStatus.PENDING
    with pytest.raises(UserFacingError):
        warning_verify(warning=w, user=village_clerk, outcome=outcome, note="")


def test_unknown_outcome_refused(warnings, village_clerk):
    with pytest.raises(UserFacingError):
        warning_verify(warning=warnings["village"], user=village_clerk, outcome="条件已消失")
    with pytest.raises(UserFacingError):
        warning_verify(warning=warnings["village"], user=village_clerk, outcome="随便")


def test_wrong_role_gets_403(warnings, township_reviewer, leader, login):
    w = warnings["village"]
    for user in (township_reviewer, leader):
        response = login(user).post(reverse("warning_verify", args=[w.pk]), {"outcome": "已是监测对象"})
        assert response.status_code == 403
    w.refresh_from_db()
    assert w.status == WarningStatus.PENDING


def test_other_village_gets_404(warnings, village_clerk, login):
    w = warnings["village_b"]
    client = login(village_clerk)
    assert client.post(reverse("warning_verify", args=[w.pk]), {"outcome": "已是监测对象"}).status_code == 404
    assert client.get(reverse("warning_detail", args=[w.pk])).status_code == 404
    w.refresh_from_db()
    assert w.status == WarningStatus.PENDING


def test_village_team_may_verify(warnings, village_team, login):
    w = warnings["village"]
    response = login(village_team).post(reverse("warning_verify", args=[w.pk]), {"outcome": "已是监测对象"})
    assert response.status_code == 302
    assert Warning.objects.get(pk=w.pk).status == WarningStatus.ALREADY_MONITORED


def test_inclusion_handler_runs_in_the_transaction(warnings, village_clerk, audit_handler):
    w = warning_verify(warning=warnings["village"], user=village_clerk, outcome="纳入监测")
    clue = AuditEvent.objects.get(object_type="monitoring_clue")
    assert clue.object_id == str(w.pk) and clue.user == village_clerk
    assert w.events.filter(action=WarningEvent.Action.INCLUSION).exists()


def test_inclusion_handler_not_called_for_other_outcomes(warnings, village_clerk, audit_handler):
    warning_verify(warning=warnings["village"], user=village_clerk, outcome="不予纳入", note="收入稳定")
    assert not AuditEvent.objects.filter(object_type="monitoring_clue").exists()


def test_failing_inclusion_handler_rolls_back_the_verification(warnings, village_clerk, failing_handler):
    w = warnings["village"]
    with pytest.raises(RuntimeError):
        warning_verify(warning=w, user=village_clerk, outcome="纳入监测")
    w.refresh_from_db()
    assert w.status == WarningStatus.PENDING and w.verified_by is None
    assert not w.events.filter(action=WarningEvent.Action.VERIFIED).exists()
    assert not AuditEvent.objects.filter(object_type__in=["monitoring_clue", "screening_warning"]).exists()
