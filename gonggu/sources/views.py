
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import mask
from gonggu.core.uploads import stored_path
from gonggu.dataio.responses import xlsx_response
from gonggu.dataio.writers import blank_template

from .intake_formats import DEPT_FORMATS
from .selectors import (
    batch_facts,
    batch_get_for_user,
    batch_matched_now,
    batch_registry_names,
    batch_rejected_rows,
    batches_for_user,
    sources_for_user,
)
from .specs import SOURCES, source_get


@require_perm(Perm.IMPORT_DEPT)
def batch_list(request):
    source = request.GET.get("source", "")
    allowed = sources_for_user(request.user)
    page = Paginator(batches_for_user(request.user, source=source), 30).get_page(request.GET.get("page"))
    return render(request, "sources/batch_list.html", {"page": page, "source": source, "sources": allowed})


@require_perm(Perm.IMPORT_DEPT)
def batch_new(request):
    """The department lists are formats of the one intake pipeline: their upload page is the pipeline's."""
    allowed = sources_for_user(request.user)
    chosen = request.GET.get("source") or (allowed[0].key if allowed else "")
    if not allowed:
        raise PermissionDenied
    return redirect("intake_format", key=DEPT_FORMATS[source_get(chosen).key].key)


def _household_url(household_id: int) -> str:
    try:
        return reverse("household_detail", args=[household_id])
    except NoReverseMatch:
        return ""


@require_perm(Perm.IMPORT_DEPT)
def batch_detail(request, pk: int):
    batch = batch_get_for_user(request.user, pk)
    src = SOURCES[batch.source]
    tab = request.GET.get("tab", "rejected" if batch.rejected_rows else "rows")
    ctx = {"batch": batch, "src": src, "tab": tab, "matched_now": batch_matched_now(batch), "ledger_key": f"dept_{src.key}",
           "can_download": request.user.has_perm_code(Perm.EXPORT_UNMASKED)}
    if tab == "rows":
        page = Paginator(batch_facts(batch), 50).get_page(request.GET.get("page"))
        registry = batch_registry_names(batch, [f.id_number for f in page])
        columns = list(src.fields)
        rows = []
        for fact in page:
            reg = registry.get(fact.id_number)
            rows.append({
                "row": fact.row_number, "id": mask(fact.id_number), "name": fact.name,
                "values": [(f.column, getattr(fact, f.store)) for f in columns],
                "matched": reg is not None, "registry_name": reg[1] if reg else "",
                "mismatch": reg is not None and reg[1] != fact.name,
                "url": _household_url(reg[0]) if reg else "",
            })
        ctx.update(page=page, rows=rows, columns=columns)
    else:
        ctx["page"] = Paginator(batch_rejected_rows(batch), 50).get_page(request.GET.get("page"))
    return render(request, "sources/batch_detail.html", ctx)


@require_POST
@require_perm(Perm.EXPORT_UNMASKED)
def batch_file(request, pk: int):
    """The original file as uploaded: it holds full identity numbers, so the download is audited."""
    batch = batch_get_for_user(request.user, pk)
    path = stored_path(batch.stored_path)
    if not batch.stored_path or not path.exists():
        raise Http404("原始文件不存在。")
    audit_log(request=request, action="export_pii", object_type="dept_batch", object_id=batch.pk,
              region_code=batch.region_code, summary=f"下载部门数据原始文件 {batch.file_name}")
    return FileResponse(path.open("rb"), as_attachment=True, filename=batch.file_name)


@require_perm(Perm.IMPORT_DEPT)
def source_template(request, source: str):
    try:
        src = source_get(source)
    except UserFacingError:
        raise Http404("没有这个数据来源。") from None
    return xlsx_response(blank_template(src.spec), src.label + "模板.xlsx")
