"""The directory of units and the task settings."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from gonggu.core.access import Perm, require_perm
from gonggu.core.errors import UserFacingError
from gonggu.core.web import refusal_to_form

from .. import selectors as sel
from .. import services
from ..forms import (
    SettingsForm,
    UnitForm,
)
from ..models import TaskSetting, UnitKind

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
