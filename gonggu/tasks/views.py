"""Pages of task lists and supervision. Thin: parse the request, call a selector or a service, render."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Max, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, get_in_scope, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.core.uploads import stored_file_response, stored_name, stored_path, upload_save
from gonggu.core.web import on_refusal, refusal_message, refusal_to_form

from . import selectors as sel
from . import services
from .concerns import concern_areas, suggest_area
from .export import opening_headings, task_list_xlsx
from .forms import (
    AssignForm,
    CloseForm,
    ConfirmNameForm,
    DeadlineForm,
    DraftRowForm,
    RemindForm,
    ReportForm,
    SettingsForm,
    TargetForm,
    TaskListSettingsForm,
    UnitForm,
    UploadForm,
    evidence_kind_for,
)
from .models import ImportDraft, TaskConcern, TaskSetting, TaskUnit, Unit, UnitKind, YearTarget
from .parsing import check_readable, parse_file
from .units import guess_kind, guess_region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _errors(form) -> str:
    return "；".join(f"{form.fields[k].label if k in form.fields else ''}{'：' if k in form.fields else ''}{e}"
                    for k, errs in form.errors.items() for e in errs)


def _region_of(user):
    if user.region is None:
        raise UserFacingError("您的账号没有所属区划，不能导入任务清单；请联系管理员设置。")
    return user.region


@require_perm(Perm.MANAGE_TASKS, Perm.REPORT_TASKS, Perm.VIEW_TASKS)
def task_home(request):
    if request.user.has_perm_code(Perm.MANAGE_TASKS):
        return redirect("task_list_index")
    if not request.user.has_perm_code(Perm.REPORT_TASKS):
        return redirect("task_board")
    return redirect("task_mine")


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


def _grouped(tasks) -> list[dict]:
    """Tasks with the numbered headings that open above them (tables laid out like the document)."""
    tasks = list(tasks)
    return [{"task": task, "headings": opened}
            for task, opened in zip(tasks, opening_headings(t.path for t in tasks), strict=True)]


def _with_units(qs):
    return qs.prefetch_related(Prefetch("assignments", queryset=TaskUnit.objects.select_related("unit")
                                        .order_by("role", "position")))


@require_perm(Perm.MANAGE_TASKS)
def task_list_detail(request, pk: int):
    task_list = sel.task_list_get_for_user(request.user, pk)
    tasks = _with_units(sel.tasks_with_light(task_list.tasks.all())).order_by("seq")
    if request.GET.get("unparsed") == "1":
        tasks = tasks.filter(deadline_unparsed=True)
    rec = task_list.report_recurrence or {}
    form = TaskListSettingsForm(initial={"title": task_list.title, "asks_breakdown": task_list.asks_breakdown,
                                         "freq": rec.get("freq", ""), "month": rec.get("month"),
                                         "day": rec.get("day")})
    return render(request, "tasks/list_detail.html", {
        "task_list": task_list, "rows": _grouped(tasks), "settings_form": form,
        "unmapped": sel.unmapped_names(task_list), "unparsed_only": request.GET.get("unparsed") == "1",
    })


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal("task_list_detail")
def task_list_settings(request, pk: int):
    task_list = sel.task_list_get_for_user(request.user, pk)
    form = TaskListSettingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
    else:
        services.task_list_update(user=request.user, task_list=task_list, title=form.cleaned_data["title"],
                                  report_recurrence=form.recurrence(),
                                  asks_breakdown=form.cleaned_data["asks_breakdown"])
        messages.success(request, "清单设置已保存。")
    return redirect("task_list_detail", pk=task_list.pk)


@require_POST
@require_perm(Perm.MANAGE_TASKS)
def task_list_slots(request, pk: int):
    task_list = sel.task_list_get_for_user(request.user, pk)
    created = services.report_slots_generate(on=timezone.localdate(), task_list=task_list)
    messages.success(request, f"已生成本期进展报送 {created} 个。")
    return redirect("task_list_detail", pk=task_list.pk)


@require_POST
@require_perm(Perm.MANAGE_TASKS)
def task_list_concerns(request, pk: int):
    task_list = sel.task_list_get_for_user(request.user, pk)
    added = services.concerns_autoattach(user=request.user, task_list=task_list)
    messages.success(request, f"已按任务所属领域关联关注问题 {added} 条。" if added else "没有找到可自动关联的领域，可在任务页面手动选择。")
    return redirect("task_list_detail", pk=task_list.pk)


@require_POST
@require_perm(Perm.MANAGE_TASKS)
def task_list_delete(request, pk: int):
    task_list = sel.task_list_get_for_user(request.user, pk)
    services.task_list_delete(user=request.user, task_list=task_list)
    messages.success(request, f"已删除任务清单“{task_list.title}”。")
    return redirect("task_list_index")


@require_POST
@require_perm(Perm.MANAGE_TASKS)
def task_list_export(request, pk: int):
    task_list = sel.task_list_get_for_user(request.user, pk)
    data = task_list_xlsx(task_list)
    audit_log(request=request, action=AuditEvent.Action.EXPORT, object_type="task_list", object_id=task_list.pk,
              region_code=task_list.region_code, summary=f"导出任务清单“{task_list.title}”及进展")
    response = HttpResponse(data, content_type=XLSX)
    name = f"{task_list.title[:60]}（{timezone.localdate():%Y%m%d}）.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_perm(Perm.MANAGE_TASKS)
def task_list_units(request, pk: int):
    """Confirm the unit names of a list that the directory did not know."""
    user = request.user
    task_list = sel.task_list_get_for_user(user, pk)
    units = sel.units_for_user(user).filter(is_active=True).order_by("kind", "name")
    if request.method == "POST" and request.POST.get("action") == "create_all":
        created = services.unit_names_create_all(user=user, task_list=task_list)
        messages.success(request, f"已新建单位 {created} 个；请在单位名录中为各单位设置经办人员。")
        return redirect("task_list_units", pk=task_list.pk)
    if request.method == "POST":
        form = ConfirmNameForm(request.POST, units=units)
        if form.is_valid():
            d = form.cleaned_data
            try:
                unit = services.unit_name_confirm(user=user, task_list=task_list, name=d["name"], action=d["action"],
                                                  unit=d.get("unit"), kind=d.get("kind") or UnitKind.DEPARTMENT,
                                                  region=guess_region(task_list.region, d["name"], d.get("kind")))
                messages.success(request, f"“{d['name']}”已对应到单位“{unit.name}”。")
            except UserFacingError as exc:  # the message names the unit name it refused
                refusal_message(request, exc, prefix=f"“{d['name']}”：")
        else:
            messages.error(request, _errors(form))
        return redirect("task_list_units", pk=task_list.pk)
    names = sel.unmapped_names(task_list)
    for name in names:
        name["kind"] = guess_kind(name["name"])
    return render(request, "tasks/list_units.html", {
        "task_list": task_list, "names": names, "mapped": sel.mapped_names(task_list), "units": units,
        "kinds": UnitKind.choices,
    })


# --------------------------------------------------------------------------- one task


def _task_context(request, task, **overrides) -> dict:
    user = request.user
    # A manager of the list's region; a county admin who also acts for a unit of another region's list is not.
    manager = sel.is_manager(user) and sel.task_lists_for_user(user).filter(pk=task.task_list_id).exists()
    my_units = sel.units_of_user(user).filter(assignments__task=task).distinct()
    my_unit_list = list(my_units)
    assigned = sel.task_units(task)
    assigned_units = [link.unit for links in assigned.values() for link in links if link.unit]
    unique_units = list({u.pk: u for u in assigned_units}.values())
    # A leader reads the whole task as its manager does, with none of the manager's forms.
    reader = not manager and user.has_perm_code(Perm.VIEW_TASKS)
    own_view = None if manager or reader else my_units
    light_row = sel.tasks_with_light(type(task).objects.filter(pk=task.pk), units=own_view).values(
        "light", "deadline", "deadline_kind").first() or {"light": "green", "deadline": None, "deadline_kind": ""}
    show_units = unique_units if manager or reader else my_unit_list
    ctx = {
        "task": task, "manager": manager, "my_units": my_unit_list, "assigned": assigned, "today": timezone.localdate(),
        "light": light_row["light"], "deadline": light_row["deadline"], "deadline_kind": light_row["deadline_kind"],
        "reports": sel.task_reports(task, units=own_view),
        "slots": sel.task_slots(task, units=own_view)[:24],
        "targets": task.targets.select_related("unit").filter(**({} if manager else {"unit__in": my_units})),
        "checklist": sel.task_checklist(task, show_units), "check_units": show_units,
        "events": task.events.select_related("actor", "unit").order_by("-at", "-id")[:30],
        "show_breakdown": task.task_list.asks_breakdown or task.targets.exists(),
        "report_form": ReportForm(units=my_units) if my_unit_list and not task.is_done else None,
        "target_form": TargetForm(units=my_units, initial={"year": timezone.localdate().year})
        if my_unit_list and not task.is_done else None,
    }
    if manager:
        ctx.update({
            "remind_form": RemindForm(units=Unit.objects.filter(pk__in=[u.pk for u in unique_units]))
            if unique_units and not task.is_done else None,
            "assign_form": AssignForm(units=sel.units_for_user(user).filter(is_active=True)),
            "deadline_form": DeadlineForm(initial={"due_date": task.due_date}),
            "close_form": CloseForm(),
            "concern_areas": concern_areas(),
            "suggested_area": suggest_area(task.path, task.title),
            "attached_areas": sorted(set(task.concerns.values_list("area", flat=True))),
        })
    ctx.update(overrides)
    return ctx


@require_perm(Perm.MANAGE_TASKS, Perm.REPORT_TASKS, Perm.VIEW_TASKS)
def task_detail(request, pk: int):
    task = sel.task_get_for_user(request.user, pk)
    return render(request, "tasks/task_detail.html", _task_context(request, task))


def _back(task, anchor: str = ""):
    return redirect(_task_url(task.pk, anchor))


def _task_url(pk: int, anchor: str = "") -> str:
    return reverse("task_detail", args=[pk]) + (f"#{anchor}" if anchor else "")


def _to_task(anchor: str = ""):
    """Where a refused step on a task goes back to (`on_refusal`)."""
    return lambda request, pk, **_: _task_url(pk, anchor)


@require_POST
@require_perm(Perm.REPORT_TASKS)
def task_report(request, pk: int):
    task = sel.task_get_for_user(request.user, pk)
    my_units = sel.units_of_user(request.user).filter(assignments__task=task).distinct()
    form = ReportForm(request.POST, request.FILES, units=my_units)
    if form.is_valid():
        d = form.cleaned_data
        files = [(f, evidence_kind_for(f.name, d.get("kind") or "")) for f in d["files"]]
        try:
            services.report_submit(user=request.user, task=task, unit=d["unit"], progress=d["progress"],
                                   problems=d["problems"], next_steps=d["next_steps"], percent=d["percent"],
                                   claims_done=d["claims_done"], files=files)
        except UserFacingError as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, "进展已报送。")
            return _back(task, "reports")
    if not my_units.exists():
        raise Http404("任务不存在。")
    return render(request, "tasks/task_detail.html", _task_context(request, task, report_form=form), status=422)


@require_POST
@require_perm(Perm.REPORT_TASKS)
def task_target(request, pk: int):
    task = sel.task_get_for_user(request.user, pk)
    my_units = sel.units_of_user(request.user).filter(assignments__task=task).distinct()
    form = TargetForm(request.POST, units=my_units)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.target_add(user=request.user, task=task, unit=d["unit"], year=d["year"], target=d["target"],
                                measures=d["measures"], time_node=d["time_node"], leader=d["leader"],
                                person=d["person"])
        except UserFacingError as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, "年度目标已添加。")
            return _back(task, "breakdown")
    if not my_units.exists():
        raise Http404("任务不存在。")
    return render(request, "tasks/task_detail.html", _task_context(request, task, target_form=form), status=422)


@require_POST
@require_perm(Perm.REPORT_TASKS)
def task_target_delete(request, pk: int):
    target = get_in_scope(YearTarget.objects.select_related("task", "unit").filter(
        unit__in=sel.units_of_user(request.user)), request.user, pk, what="年度目标", field=None)
    task = target.task
    services.target_delete(user=request.user, target=target)
    messages.success(request, "已删除年度目标。")
    return _back(task, "breakdown")


@require_POST
@require_perm(Perm.REPORT_TASKS)
def task_concern_check(request, pk: int):
    concern = TaskConcern.objects.select_related("task").filter(pk=pk).first()
    if concern is None or not sel.tasks_for_user(request.user).filter(pk=concern.task_id).exists():
        raise NotFoundInScope("关注问题")
    unit = get_in_scope(sel.units_of_user(request.user), request.user, request.POST.get("unit") or 0, what="单位",
                        field=None)
    try:
        check = services.concern_check(user=request.user, concern=concern, unit=unit,
                                       checked=request.POST.get("checked") == "1", note=request.POST.get("note", ""))
    except UserFacingError as exc:
        if _htmx(request):
            return HttpResponse(f'<span class="msg error">{exc.message}</span>', status=422)
        messages.error(request, exc.message)
        return _back(concern.task, "checklist")
    if _htmx(request):
        return render(request, "tasks/_concern_check.html", {"item": {"concern": concern}, "unit": unit,
                                                              "check": check, "can_tick": True})
    return _back(concern.task, "checklist")


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal(_to_task("checklist"))
def task_concerns(request, pk: int):
    task = sel.task_get_for_user(request.user, pk)
    area = request.POST.get("area", "")
    if request.POST.get("detach") == "1":
        services.concerns_detach(user=request.user, task=task, area_key=area)
        messages.success(request, f"已取消关联“{area}”。")
    else:
        added = services.concerns_attach(user=request.user, task=task, area_key=area)
        messages.success(request, f"已关联“{area}”的关注问题 {added} 条。")
    return _back(task, "checklist")


def _manager_task(request, pk: int):
    task = sel.task_get_for_user(request.user, pk)
    if not sel.task_lists_for_user(request.user).filter(pk=task.task_list_id).exists():
        raise NotFoundInScope("任务")
    return task


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal(_to_task("units"))
def task_assign(request, pk: int):
    task = _manager_task(request, pk)
    form = AssignForm(request.POST, units=sel.units_for_user(request.user).filter(is_active=True))
    if form.is_valid():
        services.task_assign(user=request.user, task=task, unit=form.cleaned_data["unit"],
                             role=form.cleaned_data["role"])
        messages.success(request, "已分配。")
    else:
        messages.error(request, _errors(form))
    return _back(task, "units")


@require_POST
@require_perm(Perm.MANAGE_TASKS)
def task_unassign(request, pk: int, link: int):
    task = _manager_task(request, pk)
    item = get_in_scope(task.assignments.select_related("unit"), request.user, link, what="任务单位", field=None)
    services.task_unit_remove(user=request.user, task=task, link=item)
    messages.success(request, f"已移除“{item.name}”。")
    return _back(task, "units")


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal(_to_task())
def task_deadline(request, pk: int):
    task = _manager_task(request, pk)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        services.task_deadline_set(user=request.user, task=task, due_date=form.cleaned_data["due_date"],
                                   note=form.cleaned_data["note"])
        messages.success(request, "完成期限已确定。")
    else:
        messages.error(request, _errors(form))
    return _back(task)


@require_POST
@require_perm(Perm.MANAGE_TASKS)
def task_remind(request, pk: int):
    task = _manager_task(request, pk)
    form = RemindForm(request.POST, units=sel.units_for_user(request.user))
    if form.is_valid():
        try:
            services.reminder_send(user=request.user, task=task, unit=form.cleaned_data["unit"],
                                   message=form.cleaned_data["message"])
            messages.success(request, f"已催办“{form.cleaned_data['unit'].name}”。")
        except UserFacingError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _errors(form))
    following = request.POST.get("next") or ""
    return redirect(following) if following.startswith("/tasks/") else _back(task)


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal(_to_task())
def task_close(request, pk: int):
    task = _manager_task(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        services.task_close(user=request.user, task=task, note=form.cleaned_data["note"])
        messages.success(request, "已办结销号。")
    else:
        messages.error(request, "请填写销号说明（办结依据）。")
    return _back(task)


@require_POST
@require_perm(Perm.MANAGE_TASKS)
@on_refusal(_to_task())
def task_reopen(request, pk: int):
    task = _manager_task(request, pk)
    services.task_reopen(user=request.user, task=task, note=request.POST.get("note", ""))
    messages.success(request, "已撤销销号。")
    return _back(task)


@require_perm(Perm.MANAGE_TASKS, Perm.REPORT_TASKS)
def task_evidence(request, pk: int):
    evidence = sel.evidence_get_for_user(request.user, pk)
    if not stored_path(evidence.path).is_file():
        raise Http404("文件已不在存储位置，请联系管理员。")
    return stored_file_response(evidence.path, filename=evidence.original_name, inline_ok=False)


# --------------------------------------------------------------------------- board, my tasks, inbox


def _board_filter(request) -> sel.BoardFilter:
    return sel.BoardFilter.from_data(request.GET)


@require_perm(Perm.MANAGE_TASKS, Perm.REPORT_TASKS, Perm.VIEW_TASKS)
def task_board(request):
    user = request.user
    f = _board_filter(request)
    view = "unit" if request.GET.get("view") == "unit" else "task"
    manager = sel.is_manager(user)
    ctx = {"f": f, "view": view, "manager": manager, "lights": sel.LIGHTS.items(),
           "counts": sel.board_counts(user, f), "amber_days": sel.amber_days(),
           "task_lists": sel.task_lists_for_user(user) if manager else [],
           "units": (sel.units_for_user(user) if manager else sel.units_of_user(user)).order_by("name")}
    if view == "unit":
        ctx["unit_rows"] = sel.board_units(user, f)
    else:
        tasks = (_with_units(sel.board_tasks(user, f)).defer("content", "evaluation_method", "milestones")
                 .annotate(last_report=Max("reports__created_at")))
        ctx["page"] = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(request, "tasks/board.html", ctx)


@require_perm(Perm.REPORT_TASKS)
def task_mine(request):
    user = request.user
    tasks = _with_units(sel.my_tasks(user)).defer("content", "evaluation_method", "milestones") \
        .order_by("task_list_id", "seq")
    light = request.GET.get("light", "")
    if light in sel.LIGHTS:
        tasks = tasks.filter(light=light)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(request, "tasks/mine.html", {
        "units": list(sel.units_of_user(user)), "page": page, "slots": sel.my_open_slots(user)[:50],
        "unread": sel.unread_count(user), "light": light, "lights": sel.LIGHTS.items(),
        "today": timezone.localdate(),
    })


@require_perm(Perm.REPORT_TASKS)
def task_inbox(request):
    page = Paginator(sel.inbox_for_user(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "tasks/inbox.html", {"page": page})


@require_POST
@require_perm(Perm.REPORT_TASKS)
def task_inbox_read(request, pk: int):
    reminder = sel.reminder_get_for_user(request.user, pk)
    services.reminder_mark_read(user=request.user, reminder=reminder)
    if _htmx(request):
        return render(request, "tasks/_reminder.html", {"r": reminder})
    return redirect("task_inbox")


# --------------------------------------------------------------------------- units directory and settings


@require_perm(Perm.MANAGE_TASKS)
def task_units(request):
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()[:50]
    return render(request, "tasks/units.html", {
        "units": sel.unit_directory(request.user, kind=kind if kind in UnitKind.values else "", q=q),
        "kinds": UnitKind.choices, "kind": kind, "q": q,
    })


@require_perm(Perm.MANAGE_TASKS)
def task_unit_new(request):
    user = request.user
    form = UnitForm(request.POST or None, user=user, initial={"region": user.region, "is_active": True})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            unit = services.unit_create(user=user, name=d["name"], kind=d["kind"], region=d["region"] or user.region,
                                        aliases=form.alias_list(), members=d["members"])
        except UserFacingError as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, f"已新增单位“{unit.name}”。")
            return redirect("task_units")
    return render(request, "tasks/unit_form.html", {"form": form, "unit": None})


@require_perm(Perm.MANAGE_TASKS)
def task_unit_edit(request, pk: int):
    user = request.user
    unit = sel.unit_get_for_user(user, pk)
    initial = {"name": unit.name, "kind": unit.kind, "is_active": unit.is_active,
               "aliases": "\n".join(unit.aliases.values_list("name", flat=True)), "members": list(unit.members.all())}
    form = UnitForm(request.POST or None, user=user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.unit_update(user=user, unit=unit, name=d["name"], kind=d["kind"], is_active=d["is_active"],
                                 aliases=form.alias_list(), members=d["members"])
        except UserFacingError as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, f"单位“{unit.name}”已保存。")
            return redirect("task_units")
    tasks = sel.tasks_with_light(sel.tasks_for_user(user).filter(assignments__unit=unit).distinct()) \
        .select_related("task_list").order_by("task_list_id", "seq")[:200]
    return render(request, "tasks/unit_form.html", {"form": form, "unit": unit, "tasks": tasks})


@require_perm(Perm.MANAGE_TASKS)
def task_settings(request):
    current = TaskSetting.current()
    form = SettingsForm(request.POST or None, initial={"amber_days": current.amber_days})
    if request.method == "POST" and form.is_valid():
        try:
            services.task_settings_update(user=request.user, amber_days=form.cleaned_data["amber_days"])
        except UserFacingError as exc:
            form.add_error("amber_days", exc.message)
        else:
            messages.success(request, "督办设置已保存。")
            return redirect("task_settings")
    return render(request, "tasks/settings.html", {"form": form, "setting": current})

