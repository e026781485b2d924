"""The demo step: plausible history for the demo county, visible to every persona, and cleared again."""

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.registry.demo import demo_clear as registry_clear
from gonggu.registry.demo import demo_registry

from ..compliance import compliance_run
from ..demo import demo_clear, demo_monitoring
from ..models import Clue, Measure, MonitoringCase, Visit
from ..selectors import work_queue
from ..workflow import CaseStatus

pytestmark = pytest.mark.django_db


def test_demo_monitoring_and_clear(regions):
    # The same context the demo pipeline (gonggu.web.demo.DemoContext) hands to each module's step.
    county = regions["county"]
    townships = [regions["township"], regions["township2"]]
    villages = [regions["village"], regions["village_b"], regions["village_c"], regions["village_d"]]
    users = {
        "cunyuan": make_user("cunyuan", Role.VILLAGE_CLERK, villages[0]),
        "xiangzhen": make_user("xiangzhen", Role.TOWNSHIP_REVIEWER, townships[0]),
        "admin": make_user("admin", Role.COUNTY_ADMIN, county),
        "bangfu": make_user("bangfu", Role.ASSISTANCE_OFFICER, villages[0]),
    }
    today = dt.date(2026, 6, 1)
    ctx = SimpleNamespace(rng=random.Random(7), county=county, townships=townships, villages=villages,
                          households=1500, users=users, today=today, seed=7, extra={})
    demo_registry(ctx)
    summary = demo_monitoring(ctx)
    assert summary["monitoring_cases"] == MonitoringCase.objects.count() > 10
    assert summary["monitoring_eliminated"] >= 1
    assert Measure.objects.exists() and Visit.objects.exists()
    statuses = set(MonitoringCase.objects.values_list("status", flat=True))
    assert {CaseStatus.MONITORING, CaseStatus.ELIMINATED, CaseStatus.VERIFYING, CaseStatus.NOTICE,
            CaseStatus.COUNTY, CaseStatus.ANNOUNCE} <= statuses
    for name in ("cunyuan", "xiangzhen", "admin", "bangfu"):
        assert work_queue(users[name], today=today), name
    result = compliance_run(as_of=today, prefix=county.prefix, store=False)
    assert result.summary["total"] > 0
    demo_clear(prefix=county.prefix)
    assert not MonitoringCase.objects.exists() and not Clue.objects.exists()
    registry_clear(prefix=county.prefix)
