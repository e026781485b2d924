"""What the self-evaluation reads from the apps below it (rules, sources, screening, monitoring).

The models are imported, not looked up by name: a renamed model or field fails loudly here instead of a figure
quietly showing 暂无数据. A figure says 暂无数据 only when the data is not there (no run, no batch, no record).
All reads are set-based querysets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery

from gonggu.core.codes import in_scope_q
from gonggu.registry.models import Person
from gonggu.rules.models import Finding, RuleRun
from gonggu.sources.models import Fact
from gonggu.sources.selectors import source_latest_as_of

# --- rule runs (gonggu.rules: RuleRun + Finding) ------------------------------------------------------


@dataclass
class RunInfo:
    pk: int
    kind: str
    as_of: dt.date
    rules: set[str] = field(default_factory=set)      # codes evaluated in the run
    skipped: dict[str, str] = field(default_factory=dict)  # code → reason


def _run_rules(run: RuleRun) -> tuple[set[str], dict[str, str]]:
    skipped = {s.get("rule"): s.get("reason", "") for s in run.skipped or [] if isinstance(s, dict)}
    rules = set(run.counts or {}) | set(run.rules or [])
    return rules - set(skipped), skipped


def latest_run_with(rule: str, *, prefix: str | None, as_of: dt.date) -> RunInfo | None:
    """The latest run (at or before `as_of`) that evaluated `rule` over a scope covering `prefix`."""
    qs = RuleRun.objects.filter(as_of__lte=as_of)
    if prefix:
        # A run over a wider scope (or the whole database, prefix "") covers this one; a narrower one does not.
        qs = qs.filter(prefix__in=[prefix[:n] for n in range(0, len(prefix) + 1)])
    # The newest run holds the current findings: storing a run replaces older findings of its rules and prefix.
    for run in qs.order_by("-pk")[:20]:
        rules, skipped = _run_rules(run)
        if rule in rules or (not rules and not skipped and _run_has_findings(run, rule)):
            return RunInfo(pk=run.pk, kind=run.kind, as_of=run.as_of, rules=rules, skipped=skipped)
    return None


def _run_has_findings(run: RuleRun, rule: str) -> bool:
    return Finding.objects.filter(run_id=run.pk, rule=rule).exists()


def findings(run: RunInfo, rules: str | tuple[str, ...], prefix: str | None) -> QuerySet:
    codes = (rules,) if isinstance(rules, str) else tuple(rules)
    return Finding.objects.filter(run_id=run.pk, rule__in=codes).filter(in_scope_q("region_code", prefix))


# --- department data (gonggu.sources) -----------------------------------------------------------------


def dept_source_date(source: str, *, prefix: str | None = None) -> dt.date | None:
    """As-of date of the latest batch of a department list, or None when none was imported."""
    return source_latest_as_of(source)


def latest_fact(source: str, id_ref, field_name: str) -> Subquery:
    """Subquery: the `field_name` of the latest fact of `source` for the identity number `id_ref`.

    "Latest" as rules.md defines it: by as-of date, then import order (batch, row).
    """
    return Subquery(Fact.objects.filter(source=source, id_number=id_ref)
                    .order_by("-as_of", "-batch_id", "-row_number").values(field_name)[:1])


def latest_household_fact(source: str, field_name: str) -> Subquery:
    """Subquery, annotated on households, for household-level lists (zj_housing, yj_disaster): the number
    may be any member's; the latest fact among the members' wins."""
    # Two levels out: members → the fact subquery → the household being annotated.
    members = Person.objects.filter(household_id=OuterRef(OuterRef("pk"))).values("id_number")
    return Subquery(Fact.objects.filter(source=source, id_number__in=members)
                    .order_by("-as_of", "-batch_id", "-row_number").values(field_name)[:1])

