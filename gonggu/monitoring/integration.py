"""Read-only access to the lower apps this one consults: screening warnings, rule findings, parameters.

Monitoring sits above screening and rules, so it reads them through their selectors and models; it
never writes their tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Screening risk types that concern 三保障 and drinking water (rules.md screening table).
GUARANTEE_RISKS = ("义务教育", "医疗保障", "住房安全", "饮水安全")


def _warning_row(w) -> dict:
    from gonggu.rules.catalog import CATALOG

    rule = CATALOG.rules.get(w.rule)
    return {
        "id": w.pk,
        "rule": w.rule,
        "title": rule.title if rule is not None else "部门筛查预警",   # what people read; the code is for staff
        "grade": w.grade,
        "risk_type": w.risk_type,
        "status": w.get_status_display(),
        "detail": w.detail,
        "raised_on": w.first_raised_on,
        "verified_on": w.ended_on,
        "outcome": w.get_status_display() if w.ended_on else "",
        "note": w.verification_note,
    }


def open_warnings(household) -> list[dict]:
    """The household's screening warnings still awaiting verification."""
    from gonggu.screening.selectors import open_warnings_for_household

    return [_warning_row(w) for w in open_warnings_for_household(household)[:100]]


def household_warnings(household) -> list[dict]:
    """Every screening warning of the household (for the timeline)."""
    from gonggu.screening.selectors import warnings_for_household

    return [_warning_row(w) for w in warnings_for_household(household)[:200]]


def household_warning_events(household) -> list:
    """The events of the household's warnings (verification, lapse, grade changes) for the timeline."""
    from gonggu.screening.selectors import warning_events_for_household

    return list(warning_events_for_household(household)[:500])


# Screening risk types (rules.md) → the monitoring risk type a clue proposes; the village decides at 入户核实.
SCREENING_RISK_TO_CASE = {
    "因病": "因病", "因残": "因残", "因灾": "因灾", "住房安全": "住房安全", "义务教育": "因学",
    "就业": "因务工就业不稳",
}


def latest_findings(household) -> list[dict]:
    """The household's findings in the latest stored rule runs (data quality, compliance …)."""
    from gonggu.rules.models import Finding

    qs = Finding.objects.filter(household_no=household.household_no, region_code=household.region_code)
    return [{"rule": f.rule, "kind": f.kind, "detail": f.detail, "grade": f.grade}
            for f in qs.order_by("-pk")[:50]]


@dataclass(frozen=True)
class LineValue:
    year: int
    value: Decimal | None
    reason: str = ""


def monitoring_line(year: int) -> LineValue:
    """防止返贫监测范围 of `year` from the rules app's parameters (derived from growth where not set)."""
    from gonggu.rules.params import MONITORING_LINE, ParamValues

    values = ParamValues.load()
    value = values.monitoring_line(year)
    if value is None:
        return LineValue(year, None, values.reason(MONITORING_LINE, year) + "，请先在规则库设置。")
    return LineValue(year, value)
