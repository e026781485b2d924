"""Compliance of the monitoring procedure (rules.md 程序合规): the catalog's compliance rules, run by the engine."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from gonggu.rules.catalog import CATALOG


@dataclass
class ComplianceResult:
    as_of: dt.date
    findings: list[dict]
    summary: dict
    titles: dict[str, str] = field(default_factory=dict)
    checked_at: dt.datetime | None = None     # when the stored run was made (None: computed just now)

    def payload(self) -> dict:
        """The `gonggu compliance --format json` document (rules.md): identity numbers unmasked on the server."""
        return {
            "findings": [{"rule": f["rule"], "household_no": f["household_no"], "id_number": f["id_number"],
                          "detail": f["detail"]} for f in self.findings],
            "summary": self.summary,
        }


def compliance_run(*, as_of: dt.date, prefix: str | None = None, store: bool = True, user=None,
                   engine: str = "duckdb", snapshot: str | None = None) -> ComplianceResult:
    from gonggu.rules.engine import run_rules

    result = run_rules(kinds=["compliance"], as_of=as_of, prefix=prefix, store=store, user=user, engine=engine,
                       snapshot=snapshot)
    columns = ["rule", "household_no", "id_number", "region_code", "detail", "grade"]
    table = result.findings.select(columns).sort_by([("region_code", "ascending"), ("rule", "ascending"),
                                                     ("household_no", "ascending")])
    findings = table.to_pylist()
    summary = result.summary()
    summary["households"] = len({(f["region_code"], f["household_no"]) for f in findings})
    titles = {r.code: r.title for r in CATALOG.of_kind("compliance")}
    return ComplianceResult(as_of=as_of, findings=findings, summary=summary, titles=titles)


def compliance_latest(*, prefix: str | None) -> ComplianceResult | None:
    """The latest stored compliance check covering `prefix`, read back (the page never re-runs the engine);
    None before the first check."""
    from django.db.models import Q

    from gonggu.core.codes import in_scope_q
    from gonggu.rules.models import Finding
    from gonggu.rules.selectors import latest_runs, rule_settings

    codes = [r.code for r in CATALOG.of_kind("compliance")]
    runs = latest_runs(prefix, codes)
    if not runs:
        return None
    q = Q()
    for code, run in runs.items():
        q |= Q(run_id=run.pk, rule=code)
    findings = list(Finding.objects.filter(q).filter(in_scope_q("region_code", prefix))
                    .order_by("region_code", "rule", "household_no")
                    .values("rule", "household_no", "id_number", "region_code", "detail", "grade"))
    newest = max(runs.values(), key=lambda r: (r.started_at, r.pk))
    counts = Counter(f["rule"] for f in findings)
    by_rule = {code: counts.get(code, 0) for code in codes if code in runs and code in (runs[code].counts or {})}
    settings = rule_settings()
    summary = {
        "as_of": newest.as_of.isoformat(), "total": len(findings), "by_rule": by_rule,
        "skipped": [s for s in newest.skipped if s.get("rule") in codes],
        "disabled": [c for c in codes if c in settings and not settings[c].enabled],
        "households": len({(f["region_code"], f["household_no"]) for f in findings}),
    }
    titles = {r.code: r.title for r in CATALOG.of_kind("compliance")}
    return ComplianceResult(as_of=newest.as_of, findings=findings, summary=summary, titles=titles,
                            checked_at=newest.started_at)


@dataclass
class VillageRow:
    code: str
    name: str
    township: str
    counts: dict[str, int]
    total: int


def compliance_by_village(result: ComplianceResult) -> tuple[list[str], list[VillageRow]]:
    """Counts of findings per village and rule, for the page's table (rules as columns)."""
    from gonggu.regions.models import Region

    counts: dict[str, Counter] = defaultdict(Counter)
    for f in result.findings:
        counts[f["region_code"]][f["rule"]] += 1
    regions = {r.code: r for r in Region.objects.filter(code__in=counts).select_related("parent")}
    # Only the rules that found something get a column: a county table of eleven empty columns helps nobody.
    rules = sorted({f["rule"] for f in result.findings})
    rows = []
    for code in sorted(counts):
        region = regions.get(code)
        rows.append(VillageRow(code, region.name if region else code,
                               region.parent.name if region and region.parent else "", dict(counts[code]),
                               sum(counts[code].values())))
    return rules, rows
