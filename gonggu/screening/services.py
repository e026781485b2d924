"""State changes of the screening loop: run a screening, verify a warning, change the deadlines."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.rules.engine import default_engine, run_rules

from .evidence import department_label
from .hooks import inclusion_handlers
from .models import (
    OUTCOMES,
    ScreeningRun,
    ScreeningSetting,
    Warning,
    WarningEvent,
    WarningStatus,
)
from .workflow import WARNING, note_missing, transition_refused
from .write import WriteResult, warnings_write

__all__ = ["screening_run", "warning_verify", "screening_settings_update", "warnings_write", "ScreeningOutcome"]


@dataclass
class ScreeningOutcome:
    run: ScreeningRun
    written: WriteResult
    skipped: list[dict] = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    def summary(self) -> dict:
        return screening_summary(self.written.rows, skipped=self.skipped, written=self.written.as_dict(),
                                 timings=self.timings)

    def as_json(self) -> dict:
        """The document of `gonggu screen --format json` (rules.md, Output)."""
        return {
            "as_of": self.run.as_of.isoformat(),
            "warnings": [{k: row[k] for k in ("rule", "household_no", "id_number", "grade", "risk_type",
                                              "village_code", "status")} for row in self.written.rows],
            "summary": self.summary(),
        }


def screening_summary(rows: list[dict], *, skipped: list[dict], written: dict | None = None,
                      timings: dict | None = None) -> dict:
    """Counts of a run's warnings by rule, grade, township and department, and the rules skipped with reasons."""
    from gonggu.regions.models import Region

    by_township = Counter((row["village_code"] or "")[:9] for row in rows)
    names = dict(Region.objects.filter(code__in=[t.ljust(12, "0") for t in by_township]).values_list("code", "name"))
    return {
        "total": len(rows),
        "open": sum(1 for row in rows if row["status"] == WarningStatus.PENDING),
        "by_rule": dict(sorted(Counter(row["rule"] for row in rows).items())),
        "by_grade": dict(sorted(Counter(row["grade"] or "" for row in rows).items())),
        "by_township": {code: {"name": names.get(code.ljust(12, "0"), ""), "count": n}
                        for code, n in sorted(by_township.items())},
        "by_department": dict(sorted(Counter(department_label(row["department"]) for row in rows).items())),
        "by_status": dict(sorted(Counter(row["status"] for row in rows).items())),
        "skipped": list(skipped),
        "written": written or {},
        "timings": timings or {},
    }


def _evaluated_rules(engine_result, skipped_codes: set[str]) -> list[str]:
    """Rules evaluated in full: those whose query ran (`counts_by_rule`, zero findings included), minus any
    skipped for some year — a partly checked rule must not end warnings it did not look at."""
    ran = getattr(engine_result, "counts_by_rule", None) or {}
    return sorted(code for code in ran if code not in skipped_codes)


def screening_run(*, as_of: dt.date, user=None, engine: str | None = None, prefix: str | None = None,
                  progress=None, collect: bool = True, snapshot: str | None = None,
                  on_stage=None) -> ScreeningOutcome:
    """Evaluate the screening rules for `prefix` (None: everything) and write the warnings.

    Fails with a UserFacingError, writing nothing, when the whole run cannot happen: the engine refuses
    (e.g. a parameter missing for the year), or every screening rule was skipped.
    """
    engine = engine or default_engine()  # recorded on the run; an unknown one is refused by the engine
    started = time.monotonic()
    if progress:
        progress(0, 3)
    result = run_rules(kinds=["screening"], as_of=as_of, prefix=prefix, engine=engine, snapshot=snapshot,
                       on_stage=on_stage)
    skipped = [dict(s) for s in (getattr(result, "skipped", None) or [])]
    skipped_codes = {s.get("rule") for s in skipped}
    evaluated = _evaluated_rules(result, skipped_codes)
    if not (getattr(result, "rules", None) or evaluated or skipped):
        raise UserFacingError("没有启用的筛查规则，筛查未运行：请在规则库中启用规则。")
    if not evaluated and skipped:
        reasons = "；".join(f"{s.get('rule')}：{s.get('reason')}" for s in skipped)
        raise UserFacingError(f"筛查无法运行，所有筛查规则都被跳过：{reasons}")
    if progress:
        progress(1, 3)
    # The engine's stages (export, evaluate, and storing its own findings as `write`), then ours.
    engine_timings = getattr(result, "timings", None) or {}
    timings = {("store_findings" if k == "write" else k): round(float(v), 3)
               for k, v in engine_timings.items() if k != "total"}
    if on_stage:
        on_stage("write_warnings")
    with transaction.atomic():
        run = ScreeningRun.objects.create(
            as_of=as_of, engine=engine, prefix=prefix or "", rules_evaluated=evaluated, skipped=skipped,
            created_by=user, updated_by=user,
            rule_run_id=(getattr(result, "runs", None) or {}).get("screening"),
        )
        written = warnings_write(result.findings, as_of=as_of, run=run, evaluated=evaluated, prefix=prefix,
                                 user=user, collect=collect)
        timings["write_warnings"] = written.seconds
        timings["total"] = round(time.monotonic() - started, 3)
        run.counts = written.as_dict()
        run.timings = timings
        run.save(update_fields=["counts", "timings", "updated_at"])
        audit_log(user=user, action=AuditEvent.Action.JOB, object_type="screening_run", object_id=run.pk,
                  region_code=(prefix or "").ljust(12, "0") if prefix else "",
                  summary=f"运行筛查（基准日 {as_of}）：新增预警 {written.created + written.reraised}，"
                          f"仍在核实 {written.updated}，条件消失 {written.lapsed}，跳过规则 {len(skipped)}",
                  detail={"counts": run.counts, "skipped": skipped})
    if progress:
        progress(3, 3)
    return ScreeningOutcome(run=run, written=written, skipped=skipped, timings=timings)


def warning_verify(*, warning: Warning, user, outcome: str, note: str = "") -> Warning:
    """Record the village's verification; 纳入监测 calls the inclusion handlers in the same transaction.

    The caller has checked the user's scope (selectors.warning_get_for_user). A handler that raises undoes
    the whole verification.
    """
    note = (note or "").strip()
    if outcome not in {o.value for o in OUTCOMES}:
        raise UserFacingError("请选择核实结果。", field="outcome")
    outcome = WarningStatus(outcome)
    if reason := note_missing(outcome, note):
        raise UserFacingError(reason, field="note")
    with transaction.atomic():
        locked = Warning.objects.select_for_update().select_related("household").get(pk=warning.pk)
        if reason := transition_refused(locked.status, outcome):
            raise UserFacingError(reason)
        before = locked.status
        now = timezone.now()
        locked.status = outcome
        locked.ended_on = timezone.localdate(now)
        locked.verified_by = user
        locked.verified_at = now
        locked.verification_note = note
        locked.updated_by = user
        locked.save(update_fields=["status", "ended_on", "verified_by", "verified_at", "verification_note",
                                   "updated_by", "updated_at"])
        WarningEvent.record(locked, user, WarningEvent.Action.VERIFIED, note, at=now, from_status=before,
                            to_status=outcome)
        if outcome == WarningStatus.INCLUDED:
            handlers = inclusion_handlers()
            for handler in handlers:
                handler(locked, user=user)
            WarningEvent.record(
                locked, user, WarningEvent.Action.INCLUSION, "已转入监测" if handlers else "监测模块尚未接入，待转入监测",
                at=now, from_status=outcome, to_status=outcome,
                payload={"handlers": [getattr(h, "__qualname__", str(h)) for h in handlers]},
            )
        audit_log(user=user, action=AuditEvent.Action.UPDATE, object_type="screening_warning", object_id=locked.pk,
                  region_code=locked.region_code,
                  summary=f"核实预警 {locked.rule} 户 {locked.household.household_no}：{outcome.label}",
                  detail={"outcome": outcome.value, "note": note})
    return locked


# Every outcome step of the warning table is carried out by `warning_verify` (the lapse of a run is written
# set-based by write.py, not by a per-warning service).
for _outcome in OUTCOMES:
    WARNING.service(_outcome.value)(warning_verify)


def screening_settings_update(*, user, red_days: int, orange_days: int, yellow_days: int,
                              info_days: int) -> ScreeningSetting:
    """Change the verification deadlines; they apply to warnings raised from now on (audited)."""
    values = {"red_days": red_days, "orange_days": orange_days, "yellow_days": yellow_days, "info_days": info_days}
    for name, value in values.items():
        if not isinstance(value, int) or value < 1 or value > 365:
            raise UserFacingError("核实时限应为 1 到 365 天。", field=name)
    with transaction.atomic():
        obj = ScreeningSetting.objects.select_for_update().order_by("pk").first() or ScreeningSetting()
        before = {name: getattr(obj, name) for name in values}
        for name, value in values.items():
            setattr(obj, name, value)
        obj.updated_by = user
        obj.save()
        audit_log(user=user, action=AuditEvent.Action.PARAM, object_type="screening_setting", object_id=obj.pk,
                  summary=f"修改预警核实时限：{obj}", detail={"before": before, "after": values})
    return obj
