"""The monitoring-history imports (cases, measures, visits) are formats of the intake pipeline: their pages are
the intake pages (`/intake/monitoring.cases/` …). Here: the menu's chooser among the three, and the old
addresses, which lead to the new pages."""

from django.http import Http404
from django.shortcuts import redirect, render

from gonggu.core.access import Perm, require_perm
from gonggu.dataio.models import IntakeBatch
from gonggu.dataio.selectors import intake_batches_for_user

from .intake_formats import HISTORY_FORMATS, PREFIX


@require_perm(Perm.APPROVE_COUNTY)
def import_home(request):
    batches = intake_batches_for_user(request.user).filter(format__startswith=PREFIX)[:20]
    return render(request, "monitoring/import_home.html", {"formats": HISTORY_FORMATS.values(), "batches": batches})


def _kind(kind: str) -> str:
    if kind not in HISTORY_FORMATS:
        raise Http404("没有这种导入。")
    return HISTORY_FORMATS[kind].key


@require_perm(Perm.APPROVE_COUNTY)
def import_template(request, kind: str):
    return redirect("intake_template", key=_kind(kind))


@require_perm(Perm.APPROVE_COUNTY)
def import_batch(request, pk: int):
    """A batch by its number before the move to intake batches (links in earlier job results)."""
    batch = IntakeBatch.objects.filter(format__startswith=PREFIX, report__monitoring_import_batch=pk).first()
    if batch is None:
        raise Http404("没有这个导入批次。")
    return redirect("intake_batch", pk=batch.pk)
