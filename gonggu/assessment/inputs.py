"""What the self-evaluation reads from the apps below it (rules, sources, screening, monitoring).

Each accessor returns None when the app or the data is not there, so a figure can say
"暂无数据" instead of computing a zero from nothing. All reads are set-based querysets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q, QuerySet

from gonggu.core.codes import in_scope_q


def model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def has_fields(m, *names: str) -> bool:
    if m is None:
        return False
    known = {f.name for f in m._meta.get_fields()}
    return all(n in known for n in names)


# --- rule runs (gonggu.rules: RuleRun + Finding) ------------------------------------------------------


@dataclass
class RunInfo:
    pk: int
    kind: str
    as_of: dt.date
    finished: dt.datetime | None
    rules: set[str] = field(default_factory=set)      # codes evaluated in the run
    skipped: dict[str, str] = field(default_factory=dict)  # code → reason


def _run_rules(run) -> tuple[set[str], dict[str, str]]:
    counts = getattr(run, "counts_by_rule", None) or getattr(run, "counts", None) or {}
    skipped_raw = getattr(run, "skipped", None) or []
    skipped = {s.get("rule"): s.get("reason", "") for s in skipped_raw if isinstance(s, dict)}
    rules = set(counts) if isinstance(counts, dict) else set()
    codes = getattr(run, "rule_codes", None) or getattr(run, "rules", None)
    if isinstance(codes, list | tuple | set):
        rules |= set(codes)
    return rules - set(skipped), skipped


def latest_run_with(rule: str, *, prefix: str | None, as_of: dt.date) -> RunInfo | None:
    """The latest finished run (at or before `as_of`) that evaluated `rule` over a scope covering `prefix`."""
    RuleRun = model("rules", "RuleRun")
    if RuleRun is None or not has_fields(RuleRun, "as_of"):
        return None
    qs = RuleRun.objects.filter(as_of__lte=as_of)
    if has_fields(RuleRun, "status"):
        qs = qs.exclude(status__in=("running", "failed", "queued"))
    if has_fields(RuleRun, "prefix") and prefix:
        # A run over a wider scope (or the whole database) covers this one; a narrower one does not.
        wider = [prefix[:n] for n in range(0, len(prefix) + 1)]
        qs = qs.filter(Q(prefix__isnull=True) | Q(prefix__in=wider))
    # The newest run holds the current findings: storing a run replaces older findings of its rules and prefix.
    for run in qs.order_by("-pk")[:20]:
        rules, skipped = _run_rules(run)
        if rule in rules or (not rules and not skipped and _run_has_findings(run, rule)):
            return RunInfo(pk=run.pk, kind=getattr(run, "kind", ""), as_of=run.as_of,
                           finished=getattr(run, "finished_at", None), rules=rules, skipped=skipped)
    return None


def _run_has_findings(run, rule: str) -> bool:
    Finding = model("rules", "Finding")
    if Finding is None:
        return False
    return Finding.objects.filter(run_id=run.pk, rule=rule).exists()


def findings(run: RunInfo, rules: str | tuple[str, ...], prefix: str | None) -> QuerySet | None:
    Finding = model("rules", "Finding")
    if Finding is None:
        return None
    codes = (rules,) if isinstance(rules, str) else tuple(rules)
    return Finding.objects.filter(run_id=run.pk, rule__in=codes).filter(in_scope_q("region_code", prefix))


# --- department data (gonggu.sources) -----------------------------------------------------------------


def dept_source_date(source: str, *, prefix: str | None = None) -> dt.date | None:
    """As-of date of the latest batch of a department list, or None when none was imported."""
    from gonggu.sources.selectors import source_latest_as_of

    return source_latest_as_of(source)


def fact_model():
    Fact = model("sources", "Fact")
    return Fact if has_fields(Fact, "source", "id_number", "as_of", "status", "grade", "batch") else None


def latest_fact(source: str, id_ref, field_name: str):
    """Subquery: the `field_name` of the latest fact of `source` for the identity number `id_ref`.

    "Latest" as rules.md defines it: by as-of date, then import order (batch, row). None without the app.
    """
    from django.db.models import Subquery

    Fact = fact_model()
    if Fact is None:
        return None
    return Subquery(Fact.objects.filter(source=source, id_number=id_ref)
                    .order_by("-as_of", "-batch_id", "-row_number").values(field_name)[:1])


def latest_household_fact(source: str, field_name: str):
    """Subquery, annotated on households, for household-level lists (zj_housing, yj_disaster): the number
    may be any member's; the latest fact among the members' wins."""
    from django.db.models import OuterRef, Subquery

    from gonggu.registry.models import Person

    Fact = fact_model()
    if Fact is None:
        return None
    # Two levels out: members → the fact subquery → the household being annotated.
    members = Person.objects.filter(household_id=OuterRef(OuterRef("pk"))).values("id_number")
    return Subquery(Fact.objects.filter(source=source, id_number__in=members)
                    .order_by("-as_of", "-batch_id", "-row_number").values(field_name)[:1])


def case_model():
    Case = model("monitoring", "MonitoringCase")
    return Case if has_fields(Case, "household", "region_code", "status", "county_approved_on", "eliminated_on") else None


def open_case_statuses() -> tuple[str, ...] | None:
    try:
        from gonggu.monitoring.workflow import CASE_APPROVED_OPEN
    except ImportError:
        return None
    return tuple(str(s) for s in CASE_APPROVED_OPEN)


def eliminated_status() -> str | None:
    try:
        from gonggu.monitoring.workflow import CaseStatus
    except ImportError:
        return None
    return str(CaseStatus.ELIMINATED)


def warning_model():
    Warning = model("screening", "Warning")
    return Warning if has_fields(Warning, "household", "region_code", "deadline", "status", "ended_on",
                                 "first_raised_on") else None


def warning_verified_statuses() -> tuple[str, ...]:
    try:
        from gonggu.screening.models import VERIFIED_STATUSES
    except ImportError:
        return ("纳入监测", "不予纳入", "已是监测对象", "数据有误")
    return tuple(VERIFIED_STATUSES)
