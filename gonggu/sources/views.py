import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import mask
from gonggu.core.jobs import job_start
from gonggu.core.uploads import stored_path
from gonggu.dataio.writers import blank_template

from .jobs import import_dept_job
from .selectors import (
    batch_facts,
    batch_get_for_user,
    batch_matched_now,
    batch_registry_names,
    batch_rejected_rows,
    batches_for_user,
    sources_for_user,
)
from .services import batch_region_for_user, batch_upload
from .specs import SOURCES, source_get


@require_perm(Perm.IMPORT_DEPT)
def batch_list(request):
    source = request.GET.get("source", "")
    allowed = sources_for_user(request.user)
    page = Paginator(batches_for_user(request.user, source=source), 30).get_page(request.GET.get("page"))
    return render(request, "sources/batch_list.html", {"page": page, "source": source, "sources": allowed})


@require_perm(Perm.IMPORT_DEPT)
def batch_new(request):
    allowed = sources_for_user(request.user)
    chosen = request.POST.get("source") or request.GET.get("source") or (allowed[0].key if allowed else "")
    if request.method == "POST":
        try:
            as_of_text = request.POST.get("as_of", "").strip()
            try:
                as_of = dt.date.fromisoformat(as_of_text) if as_of_text else None
            except ValueError:
                raise UserFacingError(f"数据截至日期「{as_of_text}」不是有效日期。") from None
            path, name = batch_upload(user=request.user, source=chosen, uploaded=request.FILES.get("file"), as_of=as_of)
        except UserFacingError as exc:
            messages.error(request, exc.message)
            return redirect(f"{reverse('batch_new')}?source={quote(chosen)}")
        src = SOURCES[chosen]
        job = job_start(kind="import_dept", title=f"导入{src.label}：{name}", user=request.user,
                        region_code=batch_region_for_user(request.user), task=import_dept_job, source=chosen,
                        path=path, file_label=name, as_of=as_of.isoformat() if as_of else None,
                        batch_region=batch_region_for_user(request.user))
        return redirect("job_detail", pk=job.pk)
    return render(request, "sources/batch_new.html", {"sources": allowed, "chosen": chosen,
                                                       "today": dt.date.today().isoformat()})


def _household_url(household_id: int) -> str:
    try:
        return reverse("household_detail", args=[household_id])
    except NoReverseMatch:
        return ""


@require_perm(Perm.IMPORT_DEPT)
def batch_detail(request, pk: int):
    batch = batch_get_for_user(request.user, pk)
    src = SOURCES[batch.source]
    tab = request.GET.get("tab", "rejected" if batch.rejected else "rows")
    ctx = {"batch": batch, "src": src, "tab": tab, "matched_now": batch_matched_now(batch),
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
    path = stored_path(batch.file_path)
    if not batch.file_path or not path.exists():
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
    response = HttpResponse(blank_template(src.spec),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(src.label + '模板.xlsx')}"
    return response
