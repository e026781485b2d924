"""The rule catalog: every checkable rule of the seeds is one `RuleDef` registered here.

A rule is data plus one set-based SQL query (DuckDB dialect, kept to the subset
Spark SQL also runs) over the snapshot tables of a run. Apps above `rules`
(monitoring, assessment …) register their own rules and the snapshot tables
their rules read (`register_table`), so the engine never imports them.

A rule's query returns one row per finding with at least the columns
`household_no` (VARCHAR) and `id_number` (VARCHAR or NULL), and may return
`grade`, `risk_type`, `region_code`, `detail` (VARCHAR, Chinese, shown to users)
and `evidence` (VARCHAR, JSON text). Parameters are available to the query as
the snapshot table `params(name, year, value)` and, for scalar parameters, as
`{param_name}` placeholders substituted with exact decimal literals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["screening", "quality", "compliance", "indicator"]
KIND_LABELS = {"screening": "筛查预警", "quality": "数据质量", "compliance": "程序合规", "indicator": "考核指标"}


@dataclass(frozen=True)
class RuleDef:
    code: str
    title: str
    kind: Kind
    source: str                  # seed file and passage, e.g. "001 第三部分 一(二)2④"
    sql: str
    source_text: str = ""        # the seed's own words
    grade: str = ""              # red / orange / yellow / info ("" when the query sets it per row)
    risk_type: str = ""
    params: tuple[str, ...] = ()  # parameter names the query reads
    tables: tuple[str, ...] = ()  # snapshot tables the query reads
    version: int = 1
    description: str = ""        # exact semantics in Chinese, as shown in the 规则库 page


@dataclass
class TableProvider:
    """Produces one snapshot table (a pyarrow.Table) for a run, scoped to a region prefix."""

    name: str
    build: Callable[..., object]   # build(*, prefix: str | None, as_of: date) -> pyarrow.Table
    description: str = ""


@dataclass
class Catalog:
    rules: dict[str, RuleDef] = field(default_factory=dict)
    tables: dict[str, TableProvider] = field(default_factory=dict)

    def register_rule(self, rule: RuleDef) -> RuleDef:
        if rule.code in self.rules and self.rules[rule.code] != rule:
            raise ValueError(f"rule {rule.code} registered twice with different definitions")
        self.rules[rule.code] = rule
        return rule

    def register_table(self, provider: TableProvider) -> TableProvider:
        self.tables[provider.name] = provider
        return provider

    def of_kind(self, kind: Kind) -> list[RuleDef]:
        return sorted((r for r in self.rules.values() if r.kind == kind), key=lambda r: r.code)


CATALOG = Catalog()
register_rule = CATALOG.register_rule
register_table = CATALOG.register_table
