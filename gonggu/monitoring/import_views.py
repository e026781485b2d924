"""Pages of the monitoring-history imports (cases, measures, visits): upload, blank templates, batch results.

The import itself is `imports.py`, the same service the command line runs; here it runs as a background job.
Only county level may import: imported cases stand as approved by the county (县级审批日期), so the
permission is the county's approval.
"""

from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.errors import UserFacingError
from gonggu.core.jobs import job_start
from gonggu.core.uploads import upload_save
from gonggu.dataio.columns import ColumnSpec
from gonggu.dataio.writers import blank_template

from .imports import IMPORTERS
from .jobs import import_history_job
from .selectors import import_batch_get_for_user, import_batches_for_user

IMPORT = Perm.APPROVE_COUNTY
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _spec(kind: str) -> ColumnSpec:
    if kind not in IMPORTERS:
        raise Http404("没有这种导入。")
    return IMPORTERS[kind][0]


@require_perm(IMPORT)
def import_home(request):
    return render(request, "monitoring/import_home.html", {
        "specs": [spec for spec, _importer in IMPORTERS.values()],
        "batches": import_batches_for_user(request.user)[:20],
    })


@require_POST
@require_perm(IMPORT)
def import_upload(request, kind: str):
    spec = _spec(kind)
    uploaded = request.FILES.get("file")
    try:
        path, _sha256 = upload_save(uploaded, kind=f"monitoring_{kind}")
    except UserFacingError as exc:
        messages.error(request, exc.message)
        return redirect("monitoring:import_home")
    region = request.user.region
    job = job_start(kind=f"monitoring_import_{kind}", title=f"导入{spec.title}：{uploaded.name}", user=request.user,
                    region_code=region.code if region is not None else "", task=import_history_job,
                    format_key=kind, path=str(path), file_name=uploaded.name)
    return redirect("job_detail", pk=job.pk)


@require_perm(IMPORT)
def import_template(request, kind: str):
    spec = _spec(kind)
    response = HttpResponse(blank_template(spec), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{spec.title}模板.xlsx')}"
    return response


@require_perm(IMPORT)
def import_batch(request, pk: int):
    batch = import_batch_get_for_user(request.user, pk)
    page = Paginator(batch.rejected, 100).get_page(request.GET.get("page"))
    return render(request, "monitoring/import_batch.html", {
        "batch": batch, "page": page, "spec": _spec(batch.kind),
        "rejected_rows": len({r["row"] for r in batch.rejected}),
    })
