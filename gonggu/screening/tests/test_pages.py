"""Every page: who may open it (403 otherwise) and that it shows only the user's region (404 / absent otherwise)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from gonggu.core.models import AuditEvent
from gonggu.screening.models import ScreeningSetting

pytestmark = pytest.mark.django_db

PAGES = ["screening_summary", "screening_statistics", "warning_list"]


@pytest.mark.parametrize("name", PAGES)
def test_overview_pages_need_a_role(name, no_role_user, login, warnings):
    assert login(no_role_user).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_overview_pages_are_scoped(name, other_county_user, county_admin, login, warnings):
    other = login(other_county_user).get(reverse(name)).content.decode()
    assert "赵东户" not in other and "孙南户" not in other
    assert "李外户" in other or name == "screening_summary"
    mine = login(county_admin).get(reverse(name)).content.decode()
    assert "李外户" not in mine and ("孙南户" in mine or name == "screening_summary")


def test_summary_counts_and_run_button_for_county_admin(county_admin, township_reviewer, login, warnings):
    page = login(county_admin).get(reverse("screening_summary")).content.decode()
    assert "运行筛查" in page and "vendor/echarts-5.6.0.min.js" in page and "chart-data" in page
    assert '<div class="n" data-figure="pending_warnings">3</div><div class="l">待核实预警</div>' in page
    township = login(township_reviewer).get(reverse("screening_summary")).content.decode()
    assert '<div class="n" data-figure="pending_warnings">2</div><div class="l">待核实预警</div>' in township
    assert 'action="/screening/run/"' not in township


def test_run_needs_permission(township_reviewer, village_clerk, login):
    for user in (township_reviewer, village_clerk):
        assert login(user).post(reverse("screening_run"), {"as_of": "2025-04-01"}).status_code == 403


def test_run_refuses_get(county_admin, login):
    assert login(county_admin).get(reverse("screening_run")).status_code == 405


def test_inbox_permission_and_scope(village_clerk, township_reviewer, leader, login, warnings):
    for user in (township_reviewer, leader):
        assert login(user).get(reverse("warning_inbox")).status_code == 403
    page = login(village_clerk).get(reverse("warning_inbox")).content.decode()
    assert f'data-warning="{warnings["village"].pk}"' in page
    for other in ("village_b", "village_c", "other_village"):
        assert f'data-warning="{warnings[other].pk}"' not in page
    assert "410122********1234" in page and "410122201001011234" not in page
    assert "学籍" in page and "辍学" in page


def test_inbox_deadline_highlighting(village_clerk, login, warnings):
    # Raised 2025-04-01, red: deadline 2025-04-04.
    client = login(village_clerk)
    with time_machine.travel(dt.datetime(2025, 4, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        page = client.get(reverse("warning_inbox")).content.decode()
        assert "deadline-due" not in page and "deadline-overdue" not in page
    with time_machine.travel(dt.datetime(2025, 4, 3, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        page = client.get(reverse("warning_inbox")).content.decode()
        assert "deadline-due" in page and "剩 1 天" in page
    with time_machine.travel(dt.datetime(2025, 4, 6, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        page = client.get(reverse("warning_inbox")).content.decode()
        assert "deadline-overdue" in page and "逾期 2 天" in page


def test_inbox_separates_data_quality_notices(village_clerk, login, warnings, regions):
    from gonggu.screening.write import warnings_write

    from .factories import finding, household, table

    hh = household(regions["village"], head_name="质量户")
    warnings_write(table(finding(hh, rule="DECEASED-ACTIVE", grade="info", risk_type="",
                                 evidence={"source": "ga_deregistration", "batch_as_of": "2025-03-01"})),
                   as_of=dt.date(2025, 4, 1))
    client = login(village_clerk)
    assert "质量户" not in client.get(reverse("warning_inbox")).content.decode()
    assert "质量户" in client.get(reverse("warning_inbox") + "?category=quality").content.decode()


def test_detail_scoped_masked_with_history(village_clerk, township_reviewer, other_county_user, login, warnings):
    w = warnings["village"]
    page = login(village_clerk).get(reverse("warning_detail", args=[w.pk])).content.decode()
    assert "410122********1234" in page and "410122201001011234" not in page
    assert "学籍" in page and "批次基准日" in page and "2025-03-01" in page
    assert "预警生成" in page and 'id="verify"' in page
    # A township reviewer of the same township may read it but gets no form.
    reviewer = login(township_reviewer).get(reverse("warning_detail", args=[w.pk]))
    assert reviewer.status_code == 200 and 'id="verify"' not in reviewer.content.decode()
    assert login(other_county_user).get(reverse("warning_detail", args=[w.pk])).status_code == 404
    assert login(township_reviewer).get(reverse("warning_detail", args=[warnings["village_c"].pk])).status_code == 404
    assert login(village_clerk).get(reverse("warning_detail", args=[999999])).status_code == 404


def test_detail_needs_a_role(no_role_user, login, warnings):
    assert login(no_role_user).get(reverse("warning_detail", args=[warnings["village"].pk])).status_code == 403


def test_unmasking_is_audited(village_clerk, login, warnings):
    w = warnings["village"]
    client = login(village_clerk)
    # A link (GET) never unmasks: no side effect from a prefetch or a shared URL.
    assert "410122201001011234" not in client.get(reverse("warning_detail", args=[w.pk]) + "?show_id=1").content.decode()
    assert not AuditEvent.objects.filter(action="view_pii").exists()
    page = client.post(reverse("warning_detail", args=[w.pk]), {"show_id": "1"}).content.decode()
    assert "410122201001011234" in page
    assert AuditEvent.objects.filter(action="view_pii", object_id=str(w.pk)).exists()


def test_unmasking_needs_permission(village_team, login, warnings):
    w = warnings["village"]
    page = login(village_team).post(reverse("warning_detail", args=[w.pk]), {"show_id": "1"}).content.decode()
    assert "410122201001011234" not in page
    assert not AuditEvent.objects.filter(action="view_pii").exists()


def test_warning_list_filters(county_admin, login, warnings):
    client = login(county_admin)
    page = client.get(reverse("warning_list") + "?village=410122101").content.decode()
    assert "孙南户" in page and "赵东户" not in page


def test_settings_page(county_admin, township_reviewer, login):
    assert login(township_reviewer).get(reverse("screening_settings")).status_code == 403
    client = login(county_admin)
    assert client.get(reverse("screening_settings")).status_code == 200
    response = client.post(reverse("screening_settings"),
                           {"red_days": 2, "orange_days": 6, "yellow_days": 12, "info_days": 20})
    assert response.status_code == 302
    s = ScreeningSetting.current()
    assert (s.red_days, s.orange_days, s.yellow_days, s.info_days) == (2, 6, 12, 20)
    assert AuditEvent.objects.filter(action="param", object_type="screening_setting").exists()
    bad = client.post(reverse("screening_settings"), {"red_days": 0, "orange_days": 6, "yellow_days": 12,
                                                      "info_days": 20})
    assert bad.status_code == 200 and ScreeningSetting.current().red_days == 2


@pytest.mark.parametrize("name", ["screening_summary", "screening_statistics", "warning_list", "warning_inbox"])
def test_pages_do_not_query_per_warning(name, regions, county_admin, login, django_assert_max_num_queries):
    from gonggu.screening.write import warnings_write

    from .factories import finding, household, table

    homes = [household(regions[key]) for key in ("village", "village_b", "village_c") for _ in range(12)]
    warnings_write(table(*[finding(h) for h in homes], *[finding(h, rule="JOB-LOSS", grade="yellow") for h in homes]),
                   as_of=dt.date(2025, 4, 1))
    client = login(county_admin)
    client.get(reverse(name))  # warm the session and the catalog
    with django_assert_max_num_queries(16):
        assert client.get(reverse(name)).status_code == 200
