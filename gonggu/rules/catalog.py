"""The rule catalog: every checkable rule of the seeds is one `RuleDef` registered here.

A rule is data plus one set-based SQL query (DuckDB dialect, kept to the subset
Spark SQL also runs) over the snapshot tables of a run. Apps above `rules`
(monitoring, assessment …) register their own rules and the snapshot tables
their rules read (`register_table`), so the engine never imports them.

A rule's query returns one row per finding with at least the columns
`household_id` (or `household_no`) and `id_number` (VARCHAR or NULL) — or, for a finding about a
village, township or county as a whole (a work duty, a project, a target), `region_code` alone — and may return
`grade`, `risk_type`, `region_code`, `detail` (VARCHAR, Chinese, shown to users)
and `evidence` (VARCHAR, JSON text). Parameters are available to the query as
the snapshot table `params(name, year, value)` and, for scalar parameters, as
`{param_name}` placeholders substituted with exact decimal literals, and
`{as_of}` as a DATE literal. Derived views over the snapshot tables
(`register_view`) are computed once per run and read like tables.

Parameters are declared with `register_param`; a rule that needs a per-year
parameter states which years with `param_years`, a query returning
(`name`, `year`) rows, so that a missing year is reported instead of giving a
silent zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["screening", "quality", "compliance", "indicator", "ledger"]
KIND_LABELS = {"screening": "筛查预警", "quality": "数据质量", "compliance": "程序合规", "indicator": "考核指标",
               "ledger": "台账核查"}


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
    # SQL returning (name, year) rows: the per-year parameters this run needs (see module docstring).
    param_years: str = ""
    grade_note: str = ""         # how the query grades rows when `grade` is "" (shown to people)


@dataclass
class TableProvider:
    """Produces one snapshot table (a pyarrow.Table) for a run, scoped to a region prefix."""

    name: str
    build: Callable[..., object]   # build(*, prefix: str | None, as_of: date) -> pyarrow.Table
    description: str = ""


@dataclass(frozen=True)
class ViewDef:
    """A derived table defined in SQL over snapshot tables (e.g. active persons), built once per run."""

    name: str
    sql: str
    tables: tuple[str, ...]        # snapshot tables or other views it reads
    description: str = ""
    # Computed once into a table (a few rules reuse an expensive result), or kept as a view that each
    # rule's query folds in (cheaper when it is a filter over a large table, or read by one rule only).
    materialise: bool = True


@dataclass(frozen=True)
class ParamDef:
    """A rule parameter: per year or not, with its default (None = must be set) and allowed range."""

    name: str
    title: str
    yearly: bool = False
    default: str | None = None     # decimal text; seeded into the parameter table by migration
    unit: str = ""
    description: str = ""
    integer: bool = False
    minimum: str | None = None
    maximum: str | None = None


@dataclass
class Catalog:
    rules: dict[str, RuleDef] = field(default_factory=dict)
    tables: dict[str, TableProvider] = field(default_factory=dict)
    views: dict[str, ViewDef] = field(default_factory=dict)
    params: dict[str, ParamDef] = field(default_factory=dict)

    def register_rule(self, rule: RuleDef) -> RuleDef:
        if rule.code in self.rules and self.rules[rule.code] != rule:
            raise ValueError(f"rule {rule.code} registered twice with different definitions")
        self.rules[rule.code] = rule
        return rule

    def register_table(self, provider: TableProvider) -> TableProvider:
        self.tables[provider.name] = provider
        return provider

    def register_view(self, view: ViewDef) -> ViewDef:
        self.views[view.name] = view
        return view

    def register_param(self, param: ParamDef) -> ParamDef:
        if param.name in self.params and self.params[param.name] != param:
            raise ValueError(f"parameter {param.name} registered twice with different definitions")
        self.params[param.name] = param
        return param

    def of_kind(self, kind: Kind) -> list[RuleDef]:
        return sorted((r for r in self.rules.values() if r.kind == kind), key=lambda r: r.code)


CATALOG = Catalog()
register_rule = CATALOG.register_rule
register_table = CATALOG.register_table
register_view = CATALOG.register_view
register_param = CATALOG.register_param
