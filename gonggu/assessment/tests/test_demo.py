import datetime as dt
import random
from types import SimpleNamespace

import pytest

from gonggu.accounts.models import User
from gonggu.accounts.permissions import Role
from gonggu.assessment.demo import demo_assessment, demo_clear
from gonggu.assessment.models import ItemEvidence, NegativeItem, Problem, ScoringRule
from gonggu.assessment.workflow import ProblemStatus
from gonggu.regions.models import Region

from .factories import household, person


@pytest.mark.django_db
def test_demo_makes_a_ledger_with_every_status_and_clears_it(regions):
    admin = User.objects.create(username="admin", role=Role.COUNTY_ADMIN, region=regions["county"])
    reviewer = User.objects.create(username="xiangzhen", role=Role.TOWNSHIP_REVIEWER, region=regions["township"])
    h = household(regions["village"], type="监测户")
    person(h, insured=False)                                 # makes the insurance figure fail in the township
    villages = list(Region.objects.filter(level="village", code__startswith="410122"))
    # The attributes of gonggu.web.demo.DemoContext that the step reads (web sits above this app).
    ctx = SimpleNamespace(rng=random.Random(1), county=regions["county"], townships=[regions["township"], regions["township2"]],
                      villages=villages, households=1, users={"admin": admin, "xiangzhen": reviewer},
                      today=dt.date(2025, 11, 3), seed=1)
    summary = demo_assessment(ctx)
    assert summary["negative_items"] == 3 and summary["problems"] == 6
    statuses = set(Problem.objects.values_list("status", flat=True))
    assert statuses == {ProblemStatus.OPEN, ProblemStatus.RECTIFIED, ProblemStatus.VERIFIED, ProblemStatus.REOPENED}
    assert Problem.objects.filter(source="自评").exists()
    assert Problem.objects.filter(status=ProblemStatus.OPEN, deadline__lt=dt.date(2025, 11, 3)).count() == 1
    assert NegativeItem.objects.count() == 3
    # Scoring: one evidence item, the county's points for 指标7 and 11, the income parameters of 指标11.
    assert summary["scoring_rules"] == 2 and summary["income_params"] == 15
    assert ItemEvidence.objects.get().item_key == "1-1"
    assert set(ScoringRule.objects.values_list("indicator_code", flat=True)) == {"7", "11"}
    demo_clear(prefix="410122")
    assert not Problem.objects.exists() and not NegativeItem.objects.exists()
    assert not ItemEvidence.objects.exists() and not ScoringRule.objects.exists()
