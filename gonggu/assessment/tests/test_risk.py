"""整乡整村 risk (指标10): the RISK-AREA rule finds villages and townships, the indicator-10 figure reads its
findings, and the page lists, sorts and exports them within the user's scope."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.assessment.figures import FIGURES, EvalContext, evaluate
from gonggu.assessment.risk_jobs import risk_check
from gonggu.core.models import AuditEvent, Job
from gonggu.rules.services import param_set

from .engine_cases import _households

NOW = dt.datetime(2025, 11, 3, 2, tzinfo=dt.UTC)
TODAY = dt.date(2025, 11, 3)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def risky(regions):
    """东村: 1 监测户 of 10 households (10%) and both 脱贫户 with falling incomes → two signals.
    西村: 5 ordinary households → none. 城关镇 as a whole: 1/15 监测户 (6.7%), 2/2 falls → one signal."""
    _households(regions["village"], monitored=1, falls=2, ordinary=7)
    _households(regions["village_b"], ordinary=5)
    return regions


def _figure(region, prefix="410122"):
    return evaluate(FIGURES["RISK-AREA"], EvalContext(prefix=prefix, today=TODAY), region.prefix, region.code)


def test_rule_finds_the_village_and_the_figure_reads_it(risky):
    regions = risky
    before = _figure(regions["county"])
    assert before.status == "nodata" and "尚未研判" in before.missing.text()

    result = risk_check(as_of=TODAY, prefix="410122")
    rows = result.findings.to_pylist()
    assert [(r["rule"], r["region_code"], r["household_no"]) for r in rows] == [
        ("RISK-AREA", regions["village"].code, "")]
    assert "村农户 10 户：监测户 1 户（10.0%）" in rows[0]["detail"] and "收入下降脱贫户 2 / 2 户" in rows[0]["detail"]
    assert rows[0]["detail"].endswith("2 项信号超过阈值")

    county = _figure(regions["county"])
    assert (county.value, county.status, county.display) == (1, "fail", "1 个")
    assert county.target.text == "无整乡整村返贫致贫风险" and "整乡整村" in county.target.quote
    assert _figure(regions["village_b"]).status == "pass"
    drill = FIGURES["RISK-AREA"].drill(EvalContext(prefix="410122", today=TODAY), regions["county"].prefix)
    assert [drill.row(x).region_code for x in drill.queryset] == [regions["village"].code]

    # One signal is enough when the county says so: the township (income falls) is found too.
    param_set(name="risk_signals_min", value="1")
    codes = {r["region_code"] for r in risk_check(as_of=TODAY, prefix="410122").findings.to_pylist()}
    assert codes == {regions["village"].code, regions["township"].code}
    assert _figure(regions["county"]).value == 2 and _figure(regions["township"]).value == 2
    assert _figure(regions["village_b"]).value == 0


def test_risk_page_sorts_exports_and_runs(login, county_admin, other_county_user, leader, risky,
                                         django_capture_on_commit_callbacks):
    client = login(county_admin)
    assert "尚未研判" in client.get(reverse("assessment_risk")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment_risk_run"))
    job = Job.objects.get(kind="risk_run")
    assert response["Location"] == reverse("job_detail", args=[job.pk]) and job.status == Job.Status.DONE
    param_set(name="risk_signals_min", value="1")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessment_risk_run"))
    page = client.get(reverse("assessment_risk"), {"sort": "households", "dir": "asc"}).content.decode()
    assert "东村" in page and "城关镇" in page and "10.0%" in page and "根据入户调查、数据分析" in page
    assert page.index("东村") < page.index("城关镇")            # 10 households before 15
    page = client.get(reverse("assessment_risk"), {"sort": "households", "dir": "desc"}).content.decode()
    assert page.index("城关镇</a>") < page.index("东村</a>")
    only_villages = client.get(reverse("assessment_risk"), {"level": "村"}).content.decode()
    assert "东村" in only_villages and "城关镇</a>" not in only_villages

    assert client.get(reverse("assessment_risk_export")).status_code == 405
    response = client.post(reverse("assessment_risk_export"), {"level": "村"})
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert [row[0] for row in sheet[1:]] == ["东村"] and sheet[1][5] == "10.0%"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="risk_area").exists()

    other = login(other_county_user).get(reverse("assessment_risk")).content.decode()
    assert "东村" not in other and "尚未研判" in other
    assert login(leader).post(reverse("assessment_risk_run")).status_code == 403
