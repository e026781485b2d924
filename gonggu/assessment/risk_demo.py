"""Demo: the 整乡整村 risk check over the demo county, so indicator 10 has a result on first start."""

from __future__ import annotations

from .risk_jobs import risk_check


def demo_risk(ctx) -> dict:
    result = risk_check(as_of=ctx.today, prefix=ctx.county.prefix, user=ctx.users.get("admin"))
    return {"risk_areas": result.findings.num_rows}
