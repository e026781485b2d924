"""Pages of the intake pipeline: every format's page (columns, blank template, upload), every batch's report
with its rejected rows and the 退回表. The same pages serve the registry, department lists, ledgers and the
monitoring history; a format adds only where its imported rows can be seen (`detail_url`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonggu.core.audit import audit_log
from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.jobs import job_start
from gonggu.core.web import on_refusal

from .intake import FORMATS, format_get, formats_for_user, intake_upload
from .jobs import intake_job
from .models import IntakeIssue
from .responses import xlsx_response
from .returns import returns_filename, returns_workbook
from .selectors import intake_batch_get_for_user, intake_batch_issues, intake_batches_for_user
from .writers import blank_template


def _format_for(request, key: str, *, reading: bool = False):
    try:
        fmt = format_get(key)
    except UserFacingError:
        raise Http404("没有这种数据格式。") from None
    if not (fmt.may_read(request.user) if reading else fmt.allowed(request.user)):
        raise PermissionDenied
    return fmt


def intake_home(request):
    allowed = formats_for_user(request.user)
    if not allowed:
        raise PermissionDenied
    groups: dict[str, list] = {}
    for fmt in allowed:
        groups.setdefault(fmt.group or "其他", []).append(fmt)
    page = Paginator(intake_batches_for_user(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "dataio/home.html", {"groups": groups, "page": page})


@on_refusal("intake_format", "key")
def intake_format(request, key: str):
    fmt = _format_for(request, key)
    if request.method == "POST":
        as_of = _as_of(request.POST.get("as_of", "")) if fmt.needs_as_of else None
        batch = intake_upload(format_key=fmt.key, user=request.user, uploaded=request.FILES.get("file"),
                              as_of=as_of, sheet=request.POST.get("sheet", "").strip())
        job = job_start(kind="intake", title=f"导入{fmt.title}：{batch.file_name}", user=request.user,
                        region_code=batch.region_code, task=intake_job, batch_id=batch.pk)
        return redirect("job_detail", pk=job.pk)
    batches = intake_batches_for_user(request.user, format_key=fmt.key)[:20]
    return render(request, "dataio/format.html", {"fmt": fmt, "batches": batches,
                                                  "today": dt.date.today().isoformat()})


def _as_of(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserFacingError(f"数据截至日期「{text}」不是有效日期。") from None


def intake_template(request, key: str):
    fmt = _format_for(request, key, reading=True)
    return xlsx_response(blank_template(fmt.spec), f"{fmt.title}模板.xlsx")


def _batch(request, pk: int):
    """A batch in the user's region and its format (None for a format no longer declared)."""
    try:
        batch = intake_batch_get_for_user(request.user, pk)
    except NotFoundInScope as exc:
        raise Http404(exc.message) from None
    return batch, FORMATS.get(batch.format)


def intake_batch(request, pk: int):
    batch, fmt = _batch(request, pk)
    tab = request.GET.get("tab", "warnings" if not batch.rejected_rows and batch.warning_count else "rejected")
    kind = IntakeIssue.Kind.WARNING if tab == "warnings" else IntakeIssue.Kind.REJECTED
    page = Paginator(intake_batch_issues(batch, kind), 50).get_page(request.GET.get("page"))
    return render(request, "dataio/batch.html", {
        "batch": batch, "fmt": fmt, "tab": tab, "page": page,
        # Applied: where its rows can be seen. Validated and waiting (the registry): where it is confirmed.
        "detail_url": fmt.detail_url(batch) if fmt and batch.status in (batch.Status.APPLIED, batch.Status.VALIDATED)
        else "",
    })


@require_POST
@on_refusal("intake_batch", "pk")
def intake_returns(request, pk: int):
    """The rejected rows in the file's own columns, to send back: full identity numbers, so it is audited."""
    batch, fmt = _batch(request, pk)
    content = returns_workbook(batch, fmt.spec if fmt else None)
    audit_log(request=request, action="export_pii", object_type="intake_batch", object_id=batch.pk,
              region_code=batch.region_code, summary=f"下载退回表：{batch.file_name}（{batch.rejected_rows} 行）")
    return xlsx_response(content, returns_filename(batch))
