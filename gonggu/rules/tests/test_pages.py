import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from gonggu.core.models import AuditEvent, Job
from gonggu.rules.engine import run_rules
from gonggu.rules.models import Finding, Parameter, RuleRun, RuleSetting
from gonggu.sources.factories import fact

from .builders import household, person
from .conftest import D


def _dropouts(regions):
    """A dropout in the clerk's village, one in the other township and one in the other county; a stored run."""
    made = {}
    for key in ("village", "village_c", "other_village"):
        h = household(regions[key])
        person(h, born=dt.date(1975, 1, 1))
        kid = person(h, relation="子", born=dt.date(2013, 1, 1))
        fact("jy_student", kid, as_of=D, status="辍学")
        made[key] = (h, kid)
    run_rules(kinds=["screening", "quality"], as_of=D)
    return made


@pytest.mark.django_db
def test_rule_list_shows_catalog_with_scoped_live_counts(regions, county_admin, other_county_user, village_clerk,
                                                         login):
    _dropouts(regions)
    page = login(county_admin).get(reverse("rule_list")).content.decode()
    assert "INCOME-BELOW-LINE" in page and "Q-HEAD-COUNT" in page and "人均纯收入低于监测范围" in page
    detail = reverse("rule_detail", args=["SCHOOL-DROPOUT"])
    assert f'<a href="{detail}">2</a>' in page   # two dropouts in the county, one in the other county
    page = login(village_clerk).get(reverse("rule_list")).content.decode()
    assert f'<a href="{detail}">1</a>' in page
    page = login(other_county_user).get(reverse("rule_list")).content.decode()
    assert f'<a href="{detail}">1</a>' in page


@pytest.mark.django_db
def test_rule_detail_drill_down_is_scoped_and_masked(regions, village_clerk, login):
    made = _dropouts(regions)
    page = login(village_clerk).get(reverse("rule_detail", args=["SCHOOL-DROPOUT"])).content.decode()
    mine, theirs = made["village"], made["village_c"]
    assert mine[0].household_no in page and theirs[0].household_no not in page
    assert mine[1].id_number not in page and mine[1].id_number[:6] + "********" + mine[1].id_number[-4:] in page
    assert reverse("household_detail", args=[mine[0].pk]) in page
    assert "控辍保学" in page or "辍学" in page   # the seed passage and semantics are shown


@pytest.mark.django_db
def test_rule_detail_unknown_code_is_404(county_admin, login):
    assert login(county_admin).get(reverse("rule_detail", args=["NO-SUCH"])).status_code == 404


@pytest.mark.django_db
def test_rule_pages_need_login_and_a_role(client, regions):
    from conftest import make_user

    assert client.get(reverse("rule_list")).status_code == 302
    nobody = make_user("nobody", "", regions["county"])
    client.force_login(nobody)
    assert client.get(reverse("rule_list")).status_code == 403
    assert client.get(reverse("quality_list")).status_code == 403


@pytest.mark.django_db
def test_county_admin_disables_a_rule_and_sets_an_override(county_admin, login):
    client = login(county_admin)
    url = reverse("rule_setting", args=["INCOME-DROP"])
    response = client.post(url, {"param_income_drop_ratio": "0.25"})
    assert response.status_code == 302
    setting = RuleSetting.objects.get(code="INCOME-DROP")
    assert setting.enabled is False and setting.params == {"income_drop_ratio": "0.25"}
    assert AuditEvent.objects.filter(action="update", object_id="INCOME-DROP").exists()
    assert AuditEvent.objects.filter(action="param", object_id="INCOME-DROP").exists()
    client.post(url, {"enabled": "on", "param_income_drop_ratio": "2"})
    assert RuleSetting.objects.get(code="INCOME-DROP").params == {"income_drop_ratio": "0.25"}  # refused: > 1
    assert client.get(url).status_code == 405


@pytest.mark.django_db
def test_only_rule_managers_change_rules_and_parameters(township_reviewer, department_user, login):
    for user in (township_reviewer, department_user):
        client = login(user)
        assert client.post(reverse("rule_setting", args=["INCOME-DROP"]), {}).status_code == 403
        assert client.get(reverse("param_list")).status_code == 403
        assert client.post(reverse("param_list"), {"name": "income_drop_ratio", "value": "0.1"}).status_code == 403
    assert not RuleSetting.objects.exists()


@pytest.mark.django_db
def test_param_page_sets_and_shows_derived_lines(county_admin, login):
    client = login(county_admin)
    client.post(reverse("param_list"), {"name": "rural_income_growth", "year": "2023", "value": "0.066"})
    assert Parameter.objects.get(name="rural_income_growth", year=2023).value == Decimal("0.066")
    page = client.get(reverse("param_list")).content.decode()
    assert "7995" in page and "推算" in page
    response = client.post(reverse("param_list"), {"name": "monitoring_line", "year": "", "value": "8000"}, follow=True)
    assert "按年度设置" in response.content.decode()
    assert AuditEvent.objects.filter(action="param").count() == 1


@pytest.mark.django_db
def test_quality_page_by_rule_and_village_with_drill_down(regions, village_clerk, county_admin, other_county_user,
                                                          login):
    bad = household(regions["village"], kind="监测户", monitoring_type="")
    person(bad)
    other = household(regions["village_c"], kind="监测户", monitoring_type="")
    person(other)
    run_rules(kinds=["quality"], as_of=D)
    page = login(county_admin).get(reverse("quality_list")).content.decode()
    assert regions["village"].name in page and regions["village_c"].name in page
    page = login(village_clerk).get(reverse("quality_list")).content.decode()
    assert regions["village"].name in page and regions["village_c"].name not in page
    page = login(village_clerk).get(reverse("quality_list"), {"rule": "Q-MONITOR-TYPE"}).content.decode()
    assert bad.household_no in page and other.household_no not in page
    assert reverse("household_detail", args=[bad.pk]) in page and "查看并修改农户" in page
    page = login(other_county_user).get(reverse("quality_list"), {"rule": "Q-MONITOR-TYPE"}).content.decode()
    assert bad.household_no not in page


@pytest.mark.django_db(transaction=True)
def test_recheck_runs_quality_rules_as_a_job_for_the_users_region(regions, village_clerk, login):
    bad = household(regions["village"], kind="监测户", monitoring_type="")
    person(bad)
    client = login(village_clerk)
    response = client.post(reverse("quality_run"))
    job = Job.objects.get(kind="quality_run")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE and job.result["total"] == 1
    run = RuleRun.objects.get(kind="quality")
    assert run.prefix == regions["village"].prefix and run.created_by == village_clerk
    assert Finding.objects.filter(rule="Q-MONITOR-TYPE", run=run).count() == 1
    # Fixing the data makes the finding disappear on the next run.
    bad.monitoring_type = "边缘易致贫户"
    bad.save()
    client.post(reverse("quality_run"))
    assert not Finding.objects.filter(rule="Q-MONITOR-TYPE").exists()


@pytest.mark.django_db
def test_recheck_needs_a_role_that_edits_or_manages(leader, login):
    assert login(leader).post(reverse("quality_run")).status_code == 403
    assert not Job.objects.exists()
