"""State changes of the rules app: parameters, rule settings, and storing the results of runs."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection, transaction

from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.dataio.bulk import bulk_insert, copy_csv

from .catalog import CATALOG, RuleDef
from .models import Finding, Parameter, RuleRun, RuleSetting
from .params import fmt, param_def, param_parse

FINDING_COLUMNS = ("run_id", "rule", "rule_version", "kind", "household_ref", "household_no", "id_number",
                   "region_code", "grade", "risk_type", "detail", "evidence")


# --- parameters -----------------------------------------------------------------------------------------

@transaction.atomic
def param_set(*, name: str, value: object, year: int | None = None, user=None, request=None) -> Parameter:
    definition = param_def(name)
    if definition.yearly and year is None:
        raise UserFacingError(f"参数 {definition.name}（{definition.title}）按年度设置，请指定年度（--year）。")
    if not definition.yearly and year is not None:
        raise UserFacingError(f"参数 {definition.name}（{definition.title}）不分年度，不能指定年度。")
    if year is not None and not 1990 <= year <= 2100:
        raise UserFacingError(f"年度 {year} 不合理。")
    parsed = param_parse(definition, value)
    current = Parameter.objects.filter(name=definition.name, year=year).first()
    before = fmt(current.value) if current else None
    if current is None:
        current = Parameter(name=definition.name, year=year, created_by=user)
    current.value, current.updated_by = parsed, user
    current.save()
    when = f"{year} 年" if year is not None else ""
    audit_log(user=user, request=request, action="param", object_type="parameter",
              object_id=f"{definition.name}:{year or ''}",
              summary=f"设置{when}参数 {definition.name}（{definition.title}）：{before or '未设置'} → {fmt(parsed)}",
              detail={"name": definition.name, "year": year, "before": before, "after": fmt(parsed)})
    return current


@transaction.atomic
def param_clear(*, name: str, year: int | None, user=None, request=None) -> None:
    """Remove a stored value: a yearly monitoring line is then derived again; a scalar returns to its default."""
    definition = param_def(name)
    current = Parameter.objects.filter(name=definition.name, year=year).first()
    if current is None:
        raise UserFacingError("该参数值不存在。")
    before = fmt(current.value)
    current.delete()
    when = f"{year} 年" if year is not None else ""
    audit_log(user=user, request=request, action="param", object_type="parameter",
              object_id=f"{definition.name}:{year or ''}",
              summary=f"删除{when}参数 {definition.name}（{definition.title}）的设定值 {before}",
              detail={"name": definition.name, "year": year, "before": before, "after": None})


# --- rule settings --------------------------------------------------------------------------------------

def rule_get(code: str) -> RuleDef:
    rule = CATALOG.rules.get(code)
    if rule is None:
        raise UserFacingError(f"未知的规则「{code}」。")
    return rule


def overridable_params(rule: RuleDef) -> list[str]:
    """Parameters a deployment may set for this rule alone: the ones that do not vary by year."""
    return [p for p in rule.params if p in CATALOG.params and not CATALOG.params[p].yearly]


@transaction.atomic
def rule_setting_update(*, code: str, enabled: bool, params: dict[str, str] | None = None, user=None,
                        request=None) -> RuleSetting:
    """Switch a rule on or off and set its own parameter values (blank = use the shared value)."""
    rule = rule_get(code)
    allowed = overridable_params(rule)
    overrides: dict[str, str] = {}
    for name, text in (params or {}).items():
        if name not in allowed:
            raise UserFacingError(f"规则 {code} 没有可单独设置的参数 {name}。")
        if text is None or str(text).strip() == "":
            continue
        overrides[name] = fmt(param_parse(CATALOG.params[name], text))
    setting = RuleSetting.objects.filter(code=code).first() or RuleSetting(code=code, created_by=user)
    before_enabled, before_params = setting.enabled, dict(setting.params or {})
    setting.enabled, setting.params, setting.updated_by = enabled, overrides, user
    setting.save()
    if before_enabled != enabled:
        audit_log(user=user, request=request, action="update", object_type="rule", object_id=code,
                  summary=f"{'启用' if enabled else '停用'}规则 {code}（{rule.title}）",
                  detail={"enabled": {"before": before_enabled, "after": enabled}})
    if before_params != overrides:
        audit_log(user=user, request=request, action="param", object_type="rule", object_id=code,
                  summary=f"修改规则 {code}（{rule.title}）的参数：{before_params or '共用值'} → {overrides or '共用值'}",
                  detail={"params": {"before": before_params, "after": overrides}})
    return setting


# --- storing runs ---------------------------------------------------------------------------------------

def run_store(result, *, kinds: set[str], user=None) -> dict[str, int]:
    """Keep the findings of this run as the current ones for its rules and region prefix; one bulk write."""
    prefix = result.prefix or ""
    runs: dict[str, int] = {}
    with transaction.atomic():
        for kind in sorted(kinds):
            codes = [c for c in result.rules if CATALOG.rules[c].kind == kind]
            run = RuleRun.objects.create(
                kind=kind, prefix=prefix, as_of=result.as_of, rules=codes,
                counts={c: n for c, n in result.counts_by_rule.items() if c in codes},
                skipped=[s for s in result.skipped if s["rule"] in codes],
                timings={k: round(v, 3) for k, v in result.timings.items()}, created_by=user,
                export=getattr(result, "export", ""),
                params={c: p for c, p in result.params_by_rule.items() if c in codes},
            )
            # Findings of earlier runs of these rules over the same region are replaced, not accumulated.
            # (Run ids first: a plain indexed delete, whatever the planner thinks of a freshly loaded table.)
            earlier = list(RuleRun.objects.filter(prefix=prefix).exclude(pk=run.pk).values_list("pk", flat=True))
            if earlier:
                Finding.objects.filter(run_id__in=earlier, rule__in=codes).delete()
            runs[kind] = run.pk
            part = result.findings.filter(pc.equal(result.findings.column("kind"), kind))
            if part.num_rows:
                _insert_findings(part, run.pk)
    return runs


def _insert_findings(findings: pa.Table, run_id: int) -> None:
    table = pa.table({
        "run_id": pa.array([run_id] * findings.num_rows, type=pa.int64()),
        "rule": findings.column("rule"), "rule_version": findings.column("rule_version"),
        "kind": findings.column("kind"), "household_ref": findings.column("household_id"),
        "household_no": findings.column("household_no"), "id_number": findings.column("id_number"),
        "region_code": findings.column("region_code"), "grade": findings.column("grade"),
        "risk_type": findings.column("risk_type"), "detail": findings.column("detail"),
        "evidence": findings.column("evidence"),
    })
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, write_options=pacsv.WriteOptions(include_header=False))
        # The buffer itself, not a copy of it: at province scale the CSV of the findings is hundreds of MB.
        copy_csv(Finding._meta.db_table, FINDING_COLUMNS, buffer.getbuffer())
        return
    columns = [table.column(c).to_pylist() for c in FINDING_COLUMNS]
    bulk_insert(Finding._meta.db_table, FINDING_COLUMNS, zip(*columns, strict=True))
