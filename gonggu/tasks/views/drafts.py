"""Importing a task list: upload, the draft preview, its rows corrected, kept or left out, saved."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.errors import UserFacingError
from gonggu.core.uploads import stored_name, upload_save
from gonggu.core.web import on_refusal, refusal_to_form

from .. import selectors as sel
from .. import services
from ..forms import (
    DraftRowForm,
    UploadForm,
)
from ..models import ImportDraft
from ..parsing import check_readable, parse_file
from .common import _htmx, _region_of

# --------------------------------------------------------------------------- lists and import


@require_perm(Perm.MANAGE_TASKS)
def task_list_index(request):
    user = request.user
    return render(request, "tasks/list_index.html", {"lists": sel.task_list_overview(user),
                                                     "drafts": sel.open_drafts_for_user(user)[:10]})


@require_perm(Perm.MANAGE_TASKS)
def task_import(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            region = _region_of(request.user)
            check_readable(uploaded.name)
            path, sha = upload_save(uploaded, kind="tasks")
            parsed = parse_file(path, year=form.cleaned_data.get("year"), document=uploaded.name)
            draft = services.draft_create(user=request.user, region=region, parsed=parsed,
                                          source_path=stored_name(path), source_sha256=sha)
        except UserFacingError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("task_draft", pk=draft.pk)
    return render(request, "tasks/import.html", {"form": form})


def _draft_context(draft, *, edit: int | None = None, edit_form=None) -> dict:
    rows = [{"index": i, **row} for i, row in enumerate(draft.rows)]
    kept = [r for r in rows if not r.get("excluded")]
    has = {
        "lead": any(r.get("lead_units") for r in rows),
        "responsible": any(r.get("responsible_units") for r in rows),
        "evaluation": any(r.get("evaluation_method") for r in rows),
    }
    return {
        "draft": draft, "rows": rows, "kept": len(kept), "has": has, "edit": edit, "edit_form": edit_form,
        "unparsed": sum(1 for r in kept if r.get("deadline_unparsed")),
        "can_save": draft.status == ImportDraft.Status.OPEN and bool(kept),
    }


def _row_form(row: dict) -> DraftRowForm:
    return DraftRowForm(initial={
        "no": row.get("no") or "", "title": row.get("title") or "", "lead": "、".join(row.get("lead_units") or []),
        "responsible": "、".join(row.get("responsible_units") or []), "deadline_text": row.get("deadline_text") or "",
        "due_date": row.get("due_override") or "",
    })


@require_perm(Perm.MANAGE_TASKS)
def task_draft(request, pk: int):
    draft = sel.draft_get_for_user(request.user, pk)
    edit = request.GET.get("edit")
    edit = int(edit) if edit and edit.isdigit() and int(edit) < len(draft.rows) else None
    form = _row_form(draft.rows[edit]) if edit is not None else None
    return render(request, "tasks/draft.html", _draft_context(draft, edit=edit, edit_form=form))


def _row_partial(request, draft, index: int, *, form=None, status: int = 200):
    ctx = _draft_context(draft)
    row = {"index": index, **draft.rows[index]}
    template = "tasks/_draft_row_edit.html" if form is not None else "tasks/_draft_row.html"
    return render(request, template, {**ctx, "row": row, "form": form}, status=status)


@require_perm(Perm.MANAGE_TASKS)
def task_draft_row(request, pk: int, index: int):
    draft = sel.draft_get_for_user(request.user, pk)
    if not 0 <= index < len(draft.rows):
        raise Http404("预览中没有这一行。")
    if request.method != "POST":
        return _row_partial(request, draft, index)
    form = DraftRowForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.draft_row_update(user=request.user, draft=draft, index=index, title=d["title"], lead=d["lead"],
                                      responsible=d["responsible"], deadline_text=d["deadline_text"],
                                      due_date=d["due_date"], no=d["no"])
        except UserFacingError as exc:
            refusal_to_form(form, exc)
    if form.errors:
        if _htmx(request):
            return _row_partial(request, draft, index, form=form)  # htmx swaps only 2xx responses
        return render(request, "tasks/draft.html", _draft_context(draft, edit=index, edit_form=form), status=422)
    draft.refresh_from_db()
    if _htmx(request):
        return _row_partial(request, draft, index)
    messages.success(request, f"第 {index + 1} 行已修改。")
    return redirect(reverse("task_draft", args=[draft.pk]) + f"#row-{index}")


@require_perm(Perm.MANAGE_TASKS)
def task_draft_row_edit(request, pk: int, index: int):
    draft = sel.draft_get_for_user(request.user, pk)
    if not 0 <= index < len(draft.rows):
        raise Http404("预览中没有这一行。")
    if not _htmx(request):
        return redirect(reverse("task_draft", args=[draft.pk]) + f"?edit={index}#row-{index}")
    return _row_partial(request, draft, index, form=_row_form(draft.rows[index]))


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal(lambda request, pk, **_: reverse("task_draft", args=[pk]))
def task_draft_row_exclude(request, pk: int, index: int):
    draft = sel.draft_get_for_user(request.user, pk)
    services.draft_row_exclude(user=request.user, draft=draft, index=index,
                               excluded=request.POST.get("excluded") == "1")
    draft.refresh_from_db()
    if _htmx(request):
        return _row_partial(request, draft, index)
    return redirect(reverse("task_draft", args=[draft.pk]) + f"#row-{index}")


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal("task_draft")
def task_draft_save(request, pk: int):
    draft = sel.draft_get_for_user(request.user, pk)
    task_list = services.draft_save(user=request.user, draft=draft, title=request.POST.get("title"))
    unmapped = sel.unmapped_names(task_list)
    messages.success(request, f"已保存任务清单“{task_list.title}”，共 {task_list.tasks.count()} 项任务。")
    if unmapped:
        messages.warning(request, f"有 {len(unmapped)} 个单位名称在单位名录中没有找到，请逐个确认。")
        return redirect("task_list_units", pk=task_list.pk)
    return redirect("task_list_detail", pk=task_list.pk)


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal(lambda request, **_: reverse("task_list_index"))
def task_draft_discard(request, pk: int):
    draft = sel.draft_get_for_user(request.user, pk)
    services.draft_discard(user=request.user, draft=draft)
    return redirect("task_list_index")
