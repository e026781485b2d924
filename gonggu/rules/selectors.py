"""Reads of the rule catalog, parameters and stored findings, scoped to the user's region."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gonggu.core.codes import in_scope_q
from gonggu.core.errors import NotFoundInScope

from .catalog import CATALOG, KIND_LABELS, RuleDef
from .models import Finding, Parameter, RuleRun, RuleSetting
from .params import MONITORING_LINE, ParamValues, fmt

GRADE_LABELS = {"red": "红色", "orange": "橙色", "yellow": "黄色", "info": "提示", "": "—"}


def grade_label(rule: RuleDef) -> str:
    if rule.grade:
        return GRADE_LABELS.get(rule.grade, rule.grade)
    return rule.grade_note or "—"


def rule_settings() -> dict[str, RuleSetting]:
    return {s.code: s for s in RuleSetting.objects.all()}


def param_years_shown(values: ParamValues, *, until: int | None = None) -> list[int]:
    """Years to show for per-year parameters: every stored year through the current one."""
    years = {y for (_n, y) in values.explicit if y is not None}
    until = until or timezone.localdate().year
    if years:
        years |= set(range(min(years), until + 1))
    return sorted(years)


def rule_params(rule: RuleDef, *, values: ParamValues, setting: RuleSetting | None, years: list[int]) -> dict:
    """The parameter values the rule uses: scalars (with this deployment's override) and per-year tables."""
    overrides = (setting.params if setting else None) or {}
    out: dict = {}
    for name in rule.params:
        definition = CATALOG.params.get(name)
        if definition is None:
            continue
        if definition.yearly:
            by_year = {}
            for year in years:
                value = values.yearly(name, year)
                if value is not None:
                    by_year[str(year)] = fmt(value)
            out[name] = by_year
        else:
            value = values.scalar(name, overrides)
            out[name] = fmt(value) if value is not None else None
    return out


def rules_catalog() -> list[dict]:
    """Every registered rule with its deployment state and parameter values (for `gonggu rules` and the page)."""
    settings = rule_settings()
    values = ParamValues.load()
    years = param_years_shown(values)
    rows = []
    for rule in sorted(CATALOG.rules.values(), key=lambda r: (list(KIND_LABELS).index(r.kind), r.code)):
        setting = settings.get(rule.code)
        rows.append({
            "code": rule.code, "title": rule.title, "kind": rule.kind, "kind_label": KIND_LABELS[rule.kind],
            "source": rule.source, "source_text": rule.source_text, "grade": rule.grade,
            "grade_label": grade_label(rule),
            "risk_type": rule.risk_type, "enabled": setting.enabled if setting else True,
            "params": rule_params(rule, values=values, setting=setting, years=years),
            "overrides": dict(setting.params) if setting else {}, "description": rule.description,
            "version": rule.version, "rule": rule,
        })
    return rows


@dataclass
class LiveCount:
    run: RuleRun | None
    count: int | None
    skipped: list[dict]


def latest_runs(scope: str | None, codes: list[str]) -> dict[str, RuleRun]:
    """For each rule, the newest run that evaluated it over a region covering the user's whole scope
    (or, when there is none, the newest one inside the scope)."""
    runs = list(RuleRun.objects.order_by("-started_at", "-id")[:300])
    chosen: dict[str, RuleRun] = {}
    fallback: dict[str, RuleRun] = {}
    for run in runs:
        covers = run.prefix == "" or (scope is not None and scope.startswith(run.prefix))
        inside = scope is None or run.prefix.startswith(scope)
        for code in run.rules:
            if code not in codes:
                continue
            if covers and code not in chosen:
                chosen[code] = run
            elif inside and code not in fallback:
                fallback[code] = run
    return {code: chosen.get(code) or fallback[code] for code in codes if code in chosen or code in fallback}


def live_counts(user, codes: list[str]) -> dict[str, LiveCount]:
    """Findings per rule in the user's region, from the latest stored run of each rule: one query."""
    runs = latest_runs(user.scope_prefix, codes)
    if not runs:
        return {}
    by_run: dict[int, list[str]] = {}
    for code, run in runs.items():
        by_run.setdefault(run.pk, []).append(code)
    q = Q()
    for run_id, run_codes in by_run.items():
        q |= Q(run_id=run_id, rule__in=run_codes)
    rows = (Finding.objects.filter(q).filter(in_scope_q("region_code", user.scope_prefix))
            .values("rule").annotate(n=Count("id")))
    counted = {r["rule"]: r["n"] for r in rows}
    out = {}
    for code, run in runs.items():
        skipped = [s for s in run.skipped if s.get("rule") == code]
        evaluated = code in (run.counts or {})
        out[code] = LiveCount(run=run, count=counted.get(code, 0) if evaluated else None, skipped=skipped)
    return out


def rule_get(code: str) -> RuleDef:
    rule = CATALOG.rules.get(code)
    if rule is None:
        raise NotFoundInScope("规则")
    return rule


def rule_findings(user, code: str, *, village: str = "") -> tuple[RuleRun | None, QuerySet[Finding]]:
    runs = latest_runs(user.scope_prefix, [code])
    run = runs.get(code)
    if run is None:
        return None, Finding.objects.none()
    qs = Finding.objects.filter(run=run, rule=code).filter(in_scope_q("region_code", user.scope_prefix))
    if village:
        qs = qs.filter(region_code=village)
    return run, qs.order_by("region_code", "household_no", "id_number")


def household_links(findings) -> dict[tuple[str, str], int]:
    """(household_no, county) → household pk for the findings shown on one page: one query."""
    from gonggu.registry.models import Household

    nos = {f.household_no for f in findings}
    if not nos:
        return {}
    rows = Household.objects.filter(household_no__in=nos).values_list("household_no", "county_code", "pk")
    return {(no, county): pk for no, county, pk in rows}


def quality_matrix(user, *, rule: str = "", village: str = "") -> tuple[list[dict], dict[str, RuleRun]]:
    """Quality findings counted by village and rule, in the user's region."""
    codes = [r.code for r in CATALOG.of_kind("quality")]
    runs = latest_runs(user.scope_prefix, codes)
    if not runs:
        return [], {}
    q = Q()
    for code, run in runs.items():
        q |= Q(run_id=run.pk, rule=code)
    qs = Finding.objects.filter(q).filter(in_scope_q("region_code", user.scope_prefix))
    if rule:
        qs = qs.filter(rule=rule)
    if village:
        qs = qs.filter(region_code=village)
    rows = qs.values("region_code", "rule").annotate(n=Count("id")).order_by("region_code", "rule")
    return list(rows), runs


def quality_findings(user, *, rule: str = "", village: str = "") -> QuerySet[Finding]:
    codes = [r.code for r in CATALOG.of_kind("quality")]
    runs = latest_runs(user.scope_prefix, codes)
    q = Q(pk__in=[])
    for code, run in runs.items():
        q |= Q(run_id=run.pk, rule=code)
    qs = Finding.objects.filter(q).filter(in_scope_q("region_code", user.scope_prefix))
    if rule:
        qs = qs.filter(rule=rule)
    if village:
        qs = qs.filter(region_code=village)
    return qs.order_by("region_code", "rule", "household_no", "id_number")


def parameters_table(*, until: int | None = None) -> dict:
    """Parameters for the settings page: per-year values (stored or derived) and scalar values."""
    values = ParamValues.load()
    years = param_years_shown(values, until=until)
    stored = {(p.name, p.year): p for p in Parameter.objects.select_related("updated_by")}
    yearly, scalar = [], []
    for definition in CATALOG.params.values():
        if definition.yearly:
            cells = []
            for year in years:
                value = values.yearly(definition.name, year)
                cells.append({"year": year, "value": fmt(value) if value is not None else None,
                              "stored": (definition.name, year) in stored,
                              "reason": None if value is not None else values.reason(definition.name, year)})
            yearly.append({"def": definition, "cells": cells})
        else:
            value = values.scalar(definition.name)
            param = stored.get((definition.name, None))
            scalar.append({"def": definition, "value": fmt(value) if value is not None else None, "param": param})
    return {"years": years, "yearly": yearly, "scalar": scalar,
            "monitoring_line": MONITORING_LINE}

