import datetime as dt
import random
from decimal import Decimal
from types import SimpleNamespace

import pytest

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.registry.models import IncomeAccount
from gonggu.rules.services import param_set
from gonggu.screening.demo import demo_clear, demo_screening
from gonggu.screening.models import ScreeningRun, Warning, WarningStatus

from .factories import household

pytestmark = pytest.mark.django_db


def test_demo_screens_and_verifies_each_outcome(regions):
    param_set(name="monitoring_line", value="7500", year=2023)
    villages = [regions[k] for k in ("village", "village_b", "village_c", "village_d")]
    users = {"admin": make_user("admin", Role.COUNTY_ADMIN, regions["county"])}
    for i, v in enumerate(villages):
        users[f"clerk{i}"] = make_user(f"clerk{i}", Role.VILLAGE_CLERK, v)
        for _ in range(5):
            hh = household(v)
            IncomeAccount.objects.create(household=hh, year=2023, wage=Decimal("4000"), household_size=1,
                                         net_income=Decimal("4000"), per_capita=Decimal("4000"))
    # The attributes of web.demo.DemoContext that the step reads (web is a higher layer: not imported here).
    ctx = SimpleNamespace(rng=random.Random(1), county=regions["county"], townships=[regions["township"]],
                      villages=villages, households=20, users=users, today=dt.date.today(), seed=1)
    summary = demo_screening(ctx)
    assert summary["warnings_verified"] == 12 and summary["warnings_open"] == 8
    for status in ("纳入监测", "不予纳入", "已是监测对象", "数据有误"):
        assert Warning.objects.filter(status=status).count() == 3
    # The first village is left for whoever tries the inbox.
    assert Warning.objects.filter(region_code=villages[0].code, status=WarningStatus.PENDING).count() == 5
    assert ScreeningRun.objects.count() == 2
    demo_clear(prefix=regions["county"].prefix)
    assert not Warning.objects.exists() and not ScreeningRun.objects.exists()
