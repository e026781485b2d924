"""The procedure pages of 危房改造 and 控辍保学: the row's facts, the steps done (its history), and the form of
each step this user may take now, chosen from the transition table; the 劝返 record form for phones."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.idnumber import mask
from gonggu.ledgers.kinds import ledger_get
from gonggu.ledgers.selectors import ledger_row_get_for_user, ledger_row_history, ledger_rows_for_user

from . import workflow
from .forms import PersuasionForm, step_form_class
from .services import persuasion_record, step_service

KIND_OF_TABLE = {"renovation": "renovation", "dropout": "dropout"}


def _row(request, table: str, pk: int):
    if table not in KIND_OF_TABLE:
        raise Http404("没有这种办理程序。")
    kind = ledger_get(KIND_OF_TABLE[table])
    if not request.user.has_perm_code(kind.view_perm):
        raise PermissionDenied
    try:
        return kind, ledger_row_get_for_user(request.user, kind, pk)
    except NotFoundInScope as exc:
        raise Http404(exc.message) from None


def _page(request, table: str, kind, row, *, bound: dict | None = None, persuasion_form=None):
    today = timezone.localdate()
    steps = []
    for t in workflow.available(table, row, request.user, today):
        form_class = step_form_class(kind.model, t)
        form = (bound or {}).get(t.name) or form_class(prefix=t.name, initial={
            f: today for f in t.fields if f.endswith("_on")})
        steps.append({"t": t, "form": form})
    values = [(c.name, getattr(row, c.key)) for c in kind.columns if c.key]
    values = [(label, "是" if v is True else "否" if v is False else ("" if v is None else v)) for label, v in values]
    context = {"kind": kind, "row": row, "table": table, "steps": steps, "values": values, "id": mask(row.id_number),
               "history": ledger_row_history(row), "who": row.person.name if row.person_id else
               (row.household.head_name if row.household_id else "")}
    if table == "dropout":
        context["persuasions"] = ledger_rows_for_user(request.user, ledger_get("persuasion")).filter(
            id_number=row.id_number, persuaded_on__gte=row.found_on).order_by("persuaded_on")
        context["persuasion_form"] = persuasion_form or PersuasionForm(initial={"persuaded_on": today})
        context["can_persuade"] = request.user.has_perm_code(ledger_get("persuasion").edit_perm) and \
            row.status in workflow.DROPOUT["return"].sources
    return render(request, "guarantees/procedure.html", context)


def procedure_page(request, pk: int, table: str):
    kind, row = _row(request, table, pk)
    return _page(request, table, kind, row)


@require_POST
def procedure_step(request, table: str, pk: int, step: str):
    kind, row = _row(request, table, pk)
    t = workflow.TABLES[table].get(step)
    if t is None:
        raise Http404("没有这个步骤。")
    form = step_form_class(kind.model, t)(request.POST, prefix=t.name)
    if not form.is_valid():
        messages.error(request, f"「{t.label}」未办理：请检查填写的内容。")
        return _page(request, table, kind, row, bound={t.name: form})
    try:
        step_service(table, step)(row=row, user=request.user, data=form.cleaned_data)
    except UserFacingError as exc:
        messages.error(request, f"「{t.label}」未办理：{exc.message}")
        return _page(request, table, kind, row, bound={t.name: form})
    messages.success(request, f"已办理「{t.label}」。")
    return redirect(f"{table}_procedure", pk=row.pk)


@require_POST
def persuasion_new(request, pk: int):
    kind, row = _row(request, "dropout", pk)
    if not request.user.has_perm_code(ledger_get("persuasion").edit_perm):
        raise PermissionDenied
    form = PersuasionForm(request.POST)
    if form.is_valid():
        try:
            persuasion_record(file=row, user=request.user, data=form.cleaned_data)
        except UserFacingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已登记劝返记录。")
            return redirect("dropout_procedure", pk=row.pk)
    return _page(request, "dropout", kind, row, persuasion_form=form)
