"""The demo step: a survey of the first township, partly answered, with rates; and it clears."""

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.registry.demo import demo_registry

from ..demo import demo_clear, demo_surveys
from ..models import SampleEntry, Survey
from ..services import survey_rates

pytestmark = pytest.mark.django_db


def test_demo_survey_is_drawn_partly_answered_and_clears(regions):
    county = regions["county"]
    ctx = SimpleNamespace(rng=random.Random(3), county=county, townships=[regions["township"], regions["township2"]],
                          villages=[regions["village"], regions["village_b"], regions["village_c"], regions["village_d"]],
                          households=200, users={"admin": make_user("admin", Role.COUNTY_ADMIN, county)},
                          today=dt.date(2025, 11, 3), seed=3, extra={})
    demo_registry(ctx)
    summary = demo_surveys(ctx)
    survey = Survey.objects.get()
    assert survey.region_code == regions["township"].code and summary["survey_sample"] == 10   # 2 villages × 5
    assert 0 < summary["survey_answered"] == SampleEntry.objects.filter(answered_at__isnull=False).count() < 10
    total, rows = survey_rates(survey, None)
    assert total.answered == summary["survey_answered"] and total.rate("achievement") is not None
    demo_clear(prefix=county.prefix)
    assert not Survey.objects.exists() and not SampleEntry.objects.exists()
