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
