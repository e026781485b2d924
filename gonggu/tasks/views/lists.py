"""Task lists: their page, settings, reporting slots, concerns, export and units."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.core.web import on_refusal, refusal_message

from .. import selectors as sel
from .. import services
from ..export import opening_headings, task_list_xlsx
from ..forms import (
    ConfirmNameForm,
    TaskListSettingsForm,
)
from ..models import TaskUnit, UnitKind
from ..units import guess_kind, guess_region
from .common import XLSX, _errors


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
