"""一户一档: the household page's sections from the apps built on the registry — warnings, the monitoring record
with its clocks and timeline, measures and visits, and the household's rows in every ledger kind.

Registered once at start-up (WebConfig.ready) into the registry's panel list; the web app is the one layer that
may read every app. Each section reads through its app's selectors.
"""

from __future__ import annotations

from django.utils import timezone

from gonggu.core.panels import Panel
from gonggu.ledgers.selectors import household_ledgers
from gonggu.monitoring.deadlines import Clocks
from gonggu.monitoring.selectors import (
    household_cases,
    household_measures,
    household_timeline,
    household_visits,
)
from gonggu.registry.panels import HOUSEHOLD_PANELS
from gonggu.rules.catalog import CATALOG
from gonggu.screening.selectors import warnings_for_household


def _warnings(user, household) -> dict:
    rows = []
    for w in warnings_for_household(household):
        rule = CATALOG.rules.get(w.rule)
        rows.append({"w": w, "title": rule.title if rule else "部门筛查预警"})
    return {"rows": rows}


def _monitoring(user, household) -> dict:
    clocks = Clocks(timezone.localdate())
    cases = [{"case": c, "clocks": clocks.for_case(c)} for c in household_cases(household)]
    return {"cases": cases, "timeline": list(reversed(household_timeline(household)))[:60]}


def _assistance(user, household) -> dict:
    return {"measures": list(household_measures(household)[:100]), "visits": list(household_visits(household)[:100])}


def _ledgers(user, household) -> dict:
    return {"ledgers": household_ledgers(user, household)}


def register() -> None:
    HOUSEHOLD_PANELS.register(Panel("warnings", "预警", "web/dossier/warnings.html", _warnings, 10))
    HOUSEHOLD_PANELS.register(Panel("monitoring", "监测帮扶", "web/dossier/monitoring.html", _monitoring, 20))
    HOUSEHOLD_PANELS.register(Panel("assistance", "帮扶措施和走访", "web/dossier/assistance.html",
                                            _assistance, 30))
    HOUSEHOLD_PANELS.register(Panel("ledgers", "各项台账", "web/dossier/ledgers.html", _ledgers, 40))
