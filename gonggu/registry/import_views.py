"""Pages of the registry import: upload, validation report, confirmation, decisions on missing persons."""

from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.idnumber import mask
from gonggu.core.jobs import job_start
from gonggu.core.web import on_refusal
from gonggu.dataio.models import IntakeIssue
from gonggu.dataio.writers import blank_template

from .importing import registry_batch_upload, registry_missing_decide
from .importing.selectors import (
    import_batch_created,
    import_batch_get_for_user,
    import_batch_issues,
    import_batch_missing,
    import_batch_updated,
    import_batches_for_user,
)
from .jobs import apply_registry_job, validate_registry_job
from .models import RegistryBatch, RegistryBatchMissing
from .spec import REGISTRY_SPEC

TABS = (("rejected", "拒绝的行"), ("warning", "提示"), ("created", "新增的户"), ("updated", "更新的户"),
        ("missing", "缺失成员"))


@require_perm(Perm.IMPORT_REGISTRY)
@on_refusal("registry_import")
def import_home(request):
    if request.method == "POST":
        batch = registry_batch_upload(uploaded=request.FILES.get("file"), user=request.user)
        job = job_start(kind="registry_validate", title=f"校验农户台账：{batch.file_name}", user=request.user,
                        region_code=batch.region_code, task=validate_registry_job, batch_id=batch.pk)
        return redirect("job_detail", pk=job.pk)
    batches = import_batches_for_user(request.user)[:20]
    return render(request, "registry/import_home.html", {"spec": REGISTRY_SPEC, "batches": batches})


@require_perm(Perm.IMPORT_REGISTRY)
def import_template(request):
    response = HttpResponse(blank_template(REGISTRY_SPEC),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('农户台账模板.xlsx')}"
    return response


@require_perm(Perm.IMPORT_REGISTRY)
def import_batch(request, pk: int):
    batch = import_batch_get_for_user(request.user, pk)
    tab = request.GET.get("tab") or ("rejected" if batch.rejected_rows else "missing" if batch.missing_count
                                     else "created" if batch.status == RegistryBatch.Status.APPLIED else "warning")
    if tab not in dict(TABS):
        tab = "rejected"
    if tab in ("rejected", "warning"):
        rows = import_batch_issues(batch, tab)
    elif tab == "created":
        rows = import_batch_created(batch)
    elif tab == "updated":
        rows = import_batch_updated(batch)
    else:
        rows = import_batch_missing(batch)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    if tab == "missing":
        for item in page:
            item.id_masked = mask(item.person.id_number)
    counts = {
        "rejected": batch.issues.filter(kind=IntakeIssue.Kind.REJECTED).count(),
        "warning": batch.warning_count,
        "created": batch.households_created,
        "updated": batch.households_updated,
        "missing": batch.missing.count(),
    }
    return render(request, "registry/import_batch.html", {
        "batch": batch, "tab": tab, "tabs": [(k, label, counts[k]) for k, label in TABS], "page": page,
        "decisions": RegistryBatchMissing.Decision.choices,
        "can_confirm": batch.status == RegistryBatch.Status.VALIDATED,
        "can_decide": batch.status == RegistryBatch.Status.APPLIED,
        "same_file_as": (batch.report or {}).get("same_file_as"),
        "unknown_columns": batch.unknown_columns or [],
        # The rejected rows in the file's own columns plus 错误原因, to send back (the pipeline's 退回表).
        "returns_url": reverse("intake_returns", args=[batch.pk]) if batch.rejected_rows else "",
    })


@require_POST
@require_perm(Perm.IMPORT_REGISTRY)
def import_confirm(request, pk: int):
    batch = import_batch_get_for_user(request.user, pk)
    if batch.status != RegistryBatch.Status.VALIDATED:
        messages.error(request, "该批次不是“已校验、待确认”状态，不能导入。")
        return redirect("registry_import_batch", pk=batch.pk)
    job = job_start(kind="registry_apply", title=f"导入农户台账：{batch.file_name}", user=request.user,
                    region_code=batch.region_code, result={"batch": batch.pk}, task=apply_registry_job,
                    batch_id=batch.pk)
    return redirect("job_detail", pk=job.pk)


@require_POST
@require_perm(Perm.IMPORT_REGISTRY)
def import_missing(request, pk: int):
    batch = import_batch_get_for_user(request.user, pk)
    if batch.status != RegistryBatch.Status.APPLIED:
        messages.error(request, "该批次尚未导入，缺失成员要在导入后处理。")
        return redirect("registry_import_batch", pk=batch.pk)
    everyone = request.POST.get("all")
    if everyone in RegistryBatchMissing.Decision.values:
        decisions = {pk: everyone for pk in import_batch_missing(batch, undecided_only=True).values_list("pk", flat=True)}
    else:
        decisions = {key[2:]: value for key, value in request.POST.items()
                     if key.startswith("d_") and key[2:].isdigit() and value}
    done = registry_missing_decide(batch=batch, user=request.user, decisions=decisions, request=request)
    if done:
        messages.success(request, f"已处理 {done} 人。")
    else:
        messages.warning(request, "没有选择任何处理结果。")
    return redirect(reverse("registry_import_batch", args=[batch.pk]) + "?tab=missing")
