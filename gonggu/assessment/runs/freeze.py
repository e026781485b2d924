"""Freezing: evaluate every registered figure for every region of the run's scope, collect each figure's
drill-down, and write it all in one transaction (a failed or interrupted freeze leaves no partial run)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from gonggu.core.codes import in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import mask
from gonggu.regions.models import Region

from ..figures import FIGURES, EvalContext, evaluate
from ..run_models import AssessmentRun, FrozenDrillRow, FrozenResult

BATCH = 2000
Progress = Callable[[int, int], None]


def run_create(*, name: str, as_of: dt.date, region: Region, user) -> AssessmentRun:
    name = (name or "").strip()
    if not name:
        raise UserFacingError("请填写批次名称，例如“2025 年度考核自评”。")
    if as_of > timezone.localdate():
        raise UserFacingError(f"数据截至日期 {as_of:%Y-%m-%d} 晚于今天，不能固定尚未发生的数据。")
    return AssessmentRun.objects.create(name=name[:100], as_of=as_of, region_code=region.code,
                                        region_prefix=region.prefix, region_name=region.name,
                                        created_by=user, updated_by=user)


def _regions(run: AssessmentRun) -> list[Region]:
    """The run's region and every region below it, top down (county, townships, villages)."""
    below = Region.objects.filter(in_scope_q("code", run.region_prefix)).exclude(code=run.region_code)
    root = Region.objects.get(code=run.region_code)
    return [root, *sorted(below, key=lambda r: (len(r.prefix), r.code))]


def _result_row(run, position: int, region: Region, r) -> FrozenResult:
    fig = r.figure
    return FrozenResult(
        run=run, figure_code=fig.code, figure_title=fig.title, indicator=fig.indicator, position=position,
        region_code=region.code, region_name=region.name, level=region.level, unit=fig.unit,
        formula=fig.formula, numerator=fig.numerator, denominator=fig.denominator,
        components={k: str(v) for k, v in r.components.items()}, value=r.value, status=r.status,
        display=r.display[:60], target_text=r.target.text[:60], target_source=r.target.source[:300],
        target_quote=r.target.quote, missing_text=(r.missing.text() if r.missing else "")[:300],
        data_date=r.data_date, basis=r.basis)


def _drill_rows(run, fig, ctx) -> list[FrozenDrillRow]:
    drill = fig.drill(ctx, run.region_prefix) if fig.drill else None
    if drill is None:
        return []
    out = []
    for item in drill.queryset.iterator(chunk_size=BATCH):
        row = drill.row(item)
        out.append(FrozenDrillRow(
            run=run, figure_code=fig.code, region_code=row.region_code or "", household_no=row.household_no or "",
            head_name=(row.head_name or "")[:50], person_name=(row.person_name or "")[:50],
            id_masked=mask(row.id_number) if row.id_number else "", detail=(row.detail or "")[:300],
            household_id=row.household_id))
    return out


def run_freeze(run: AssessmentRun, progress: Progress | None = None) -> AssessmentRun:
    """Evaluate and write the run. Computing happens outside the transaction; the writes inside it."""
    progress = progress or (lambda done, total: None)
    AssessmentRun.objects.filter(pk=run.pk).update(status=AssessmentRun.Status.FREEZING)
    regions = _regions(run)
    figures = list(FIGURES.values())
    total = len(figures) + 1
    ctx = EvalContext(prefix=run.region_prefix, today=run.as_of)
    results: list[FrozenResult] = []
    drills: list[FrozenDrillRow] = []
    for i, fig in enumerate(figures):
        for region in regions:
            results.append(_result_row(run, i, region, evaluate(fig, ctx, region.prefix, region.code)))
        drills.extend(_drill_rows(run, fig, ctx))
        progress(i + 1, total)
    with transaction.atomic():
        # A rerun of the same run replaces what it froze before.
        FrozenResult.objects.filter(run=run).delete()
        FrozenDrillRow.objects.filter(run=run).delete()
        FrozenResult.objects.bulk_create(results, batch_size=BATCH)
        FrozenDrillRow.objects.bulk_create(drills, batch_size=BATCH)
        AssessmentRun.objects.filter(pk=run.pk).update(
            status=AssessmentRun.Status.DONE, frozen_at=timezone.now(), figure_count=len(figures),
            drill_count=len(drills), message=f"已固定 {len(figures)} 个测算项、{len(regions)} 个区划、{len(drills)} 条明细。")
    progress(total, total)
    run.refresh_from_db()
    return run


def run_fail(run_id: int, message: str) -> None:
    AssessmentRun.objects.filter(pk=run_id).exclude(status=AssessmentRun.Status.DONE).update(
        status=AssessmentRun.Status.FAILED, message=message[:300])
