"""Comparing two frozen runs (run A, the earlier or the reference, against run B): per figure the change of
its value, and per drill-down which households entered or left the list and what their detail said before
and after — the "why" a reviewer asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from gonggu.core.codes import in_scope_q

from ..run_models import AssessmentRun, FrozenDrillRow, FrozenResult


@dataclass
class FigureChange:
    code: str
    title: str
    unit: str
    a: FrozenResult | None
    b: FrozenResult | None
    entered: list[dict] = field(default_factory=list)
    left: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)

    @property
    def delta(self) -> str:
        if self.a is None or self.b is None or self.a.value is None or self.b.value is None:
            return ""
        d = self.b.value - self.a.value
        if self.unit == "%":
            return f"{d * 100:+.2f} 个百分点"
        if self.unit == "元":
            return f"{d:+,.2f} 元"
        return f"{int(d):+d} {self.unit}"

    @property
    def differs(self) -> bool:
        return bool(self.entered or self.left or self.changed) or (
            (self.a.display if self.a else None) != (self.b.display if self.b else None))


def _key(row: dict) -> tuple[str, str]:
    # Person-level figures list several members of one household: a member is the unit, not the household.
    return row["household_no"], row["person_name"]


def _drills(run: AssessmentRun, prefix: str) -> dict[str, dict[tuple, dict]]:
    out: dict[str, dict[tuple, dict]] = {}
    rows = FrozenDrillRow.objects.filter(in_scope_q("region_code", prefix), run=run).values(
        "figure_code", "region_code", "household_no", "head_name", "person_name", "id_masked", "detail",
        "household_id").order_by("figure_code", "region_code", "household_no", "person_name")
    for row in rows.iterator(chunk_size=2000):
        out.setdefault(row["figure_code"], {})[_key(row)] = row
    return out


def runs_compare(a: AssessmentRun, b: AssessmentRun, region_code: str, prefix: str) -> list[FigureChange]:
    results_a = {r.figure_code: r for r in FrozenResult.objects.filter(run=a, region_code=region_code)}
    results_b = {r.figure_code: r for r in FrozenResult.objects.filter(run=b, region_code=region_code)}
    order = {r.figure_code: (r.position, r.figure_title) for r in [*results_a.values(), *results_b.values()]}
    drills_a, drills_b = _drills(a, prefix), _drills(b, prefix)
    changes = []
    for code in sorted(order, key=lambda c: order[c]):
        ra, rb = results_a.get(code), results_b.get(code)
        any_r = rb or ra
        da, db = drills_a.get(code, {}), drills_b.get(code, {})
        change = FigureChange(code=code, title=any_r.figure_title, unit=any_r.unit, a=ra, b=rb)
        change.entered = [db[k] for k in sorted(db.keys() - da.keys())]
        change.left = [da[k] for k in sorted(da.keys() - db.keys())]
        change.changed = [{**db[k], "before": da[k]["detail"]} for k in sorted(da.keys() & db.keys())
                          if da[k]["detail"] != db[k]["detail"]]
        changes.append(change)
    return changes


def value_of(r: FrozenResult | None) -> Decimal | None:
    return r.value if r is not None else None
