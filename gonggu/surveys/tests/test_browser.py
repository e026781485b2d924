"""The survey journey in a browser: the county draws a sample, the village clerk answers at the door on a
390 px phone, and the rates appear on the survey page."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from gonggu.registry.models import Household
from gonggu.surveys.models import SampleEntry, Survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")


def test_survey_drawn_answered_on_a_phone_rates_shown(page, phone_page, live_server, county_admin, village_clerk,
                                                      regions):
    village = regions["village"]
    for i in range(4):
        Household.objects.create(household_no=f"S{i:03d}", county_code=village.code[:6], village=village,
                                 region_code=village.code, household_type="脱贫户", head_name=f"户主{i}")

    _login(page, live_server, county_admin)
    page.goto(live_server.url + reverse("surveys:list"))
    page.fill("input[name=title]", "2025 年入户问卷")
    page.fill("input[name=per_village]", "3")
    page.click("#survey-new button.primary")
    page.wait_for_selector("text=已抽取 3 户")
    survey = Survey.objects.get()

    _login(phone_page, live_server, village_clerk)
    phone_page.goto(live_server.url + reverse("surveys:sample", args=[survey.pk]))
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone_page.click("text=入户录入 >> nth=0")
    phone_page.wait_for_selector("#answer-form")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # Every question answered with its first (positive) option, except 政策知晓 q6: 不知道.
    for fieldset in phone_page.query_selector_all("#answer-form fieldset"):
        fieldset.query_selector("input[type=radio]").check()
    phone_page.check("input[name=q6][value=不知道]")
    phone_page.click("#answer-form button.primary")
    phone_page.wait_for_selector("text=已保存")
    assert SampleEntry.objects.filter(answered_at__isnull=False, channel="cadre").count() == 1

    page.goto(live_server.url + reverse("surveys:detail", args=[survey.pk]))
    rates = page.inner_text("#survey-rates")
    assert "东村" in rates and "33.3%" in rates and "100.0%" in rates and "50.0%" in rates
    assert "1 / 3" in page.inner_text("#survey-total")
