"""The pages every ledger kind gets: index, list (filters, sort, pages, export), row with history, forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.idnumber import mask
from gonggu.core.web import on_refusal, refusal_to_form
from gonggu.dataio.responses import xlsx_response
from gonggu.regions.selectors import regions_in_scope, villages_in_scope

from .export import ledger_export
from .forms import ledger_form_class
from .kinds import LedgerKind, Match, ledger_get
from .selectors import (
    LedgerFilters,
    cell_display,
    kinds_for_user,
    ledger_row_get_for_user,
    ledger_row_history,
    ledger_rows_for_user,
)
from .services import ledger_row_save


def _kind(request, key: str, perm: str = "") -> LedgerKind:
    try:
        kind = ledger_get(key)
    except NotFoundInScope:
        raise Http404("没有这种台账。") from None
    if not (request.user.has_perm_code(perm) if perm else kind.visible_to(request.user)):
        raise PermissionDenied
    return kind


def _row(request, kind: LedgerKind, pk: int):
    try:
        return ledger_row_get_for_user(request.user, kind, pk)
    except NotFoundInScope as exc:
        raise Http404(exc.message) from None


def ledger_index(request):
    kinds = kinds_for_user(request.user)
    if not kinds:
        raise PermissionDenied
    areas: dict[str, list] = {}
    for kind in kinds:
        areas.setdefault(kind.area, []).append(
            {"kind": kind, "count": ledger_rows_for_user(request.user, kind).count()})
    return render(request, "ledgers/index.html", {"areas": areas})


_display = cell_display


def ledger_list(request, key: str):
    kind = _kind(request, key)
    filters = LedgerFilters.from_query(kind, request.GET)
    page = Paginator(ledger_rows_for_user(request.user, kind, filters), 50).get_page(request.GET.get("page"))
    names = dict(regions_in_scope(request.user.scope_prefix).filter(
        code__in={r.region_code for r in page}).values_list("code", "name"))
    rows = [{"row": r, "who": kind.who(r), "id": mask(r.id_number), "region": names.get(r.region_code, r.region_code),
             "values": [(kind.label(f), _display(r, kind, f)) for f in kind.shown_fields]} for r in page]
    field_filters = []
    for name in kind.filter_fields:
        f = kind.model._meta.get_field(name)
        column = next((c for c in kind.columns if c.key == name), None)
        options = ([str(v) for v, _ in f.flatchoices] if f.choices else list(column.choices) if column and column.choices
                   else ["是", "否"] if f.get_internal_type() == "BooleanField" else [])
        if not options:
            options = [str(v) for v in kind.rows().order_by(f"-{name}").values_list(name, flat=True).distinct()[:20]
                       if v is not None]
        values = {"是": "True", "否": "False"} if f.get_internal_type() == "BooleanField" else {o: o for o in options}
        field_filters.append({"name": name, "label": kind.label(name), "options": values.items(),
                              "current": filters.choices.get(name, "")})
    return render(request, "ledgers/list.html", {
        "kind": kind, "page": page, "rows": rows, "filters": filters, "field_filters": field_filters,
        "headers": [(f, kind.label(f)) for f in kind.shown_fields], "query": filters.as_query(),
        "can_edit": kind.editable and request.user.has_perm_code(kind.edit_perm),
        "can_import": request.user.has_perm_code(kind.import_perm),
    })


@require_POST
@on_refusal("ledger_list", "key")
def ledger_export_view(request, key: str):
    kind = _kind(request, key)
    filters = LedgerFilters.from_query(kind, request.POST)
    content, filename, _count = ledger_export(user=request.user, kind=kind, filters=filters, request=request)
    return xlsx_response(content, filename)


def ledger_row(request, key: str, pk: int):
    kind = _kind(request, key)
    row = _row(request, kind, pk)
    # The kind's columns, then what its list shows besides them (a department list's as-of date).
    values = [(c.name, _display(row, kind, c.key)) for c in kind.columns if c.key]
    values += [(kind.label(f), _display(row, kind, f)) for f in kind.shown_fields if f not in kind.value_fields]
    return render(request, "ledgers/row.html", {
        "kind": kind, "row": row, "values": values, "who": kind.who(row), "id": mask(row.id_number),
        "history": ledger_row_history(row), "can_edit": kind.editable and request.user.has_perm_code(kind.edit_perm),
    })


def _form_page(request, kind: LedgerKind, row=None):
    villages = None
    if kind.match == Match.REGION:
        villages = [(r.code, r.name) for r in regions_in_scope(request.user.scope_prefix).order_by("code")
                    if r.level in ("county", "township", "village")] or \
                   [(r.code, r.name) for r in villages_in_scope(request.user.scope_prefix)]
    form_class = ledger_form_class(kind, villages=villages)
    initial = {}
    if row is not None:
        initial = {"version": row.updated_at.isoformat(), "id_number_input": row.id_number,
                   "region_code": row.region_code}
    form = form_class(request.POST or None, instance=row, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = ledger_row_save(
                user=request.user, kind=kind, row=row, values=form.cleaned_data,
                id_number=form.cleaned_data.get("id_number_input", ""),
                region_code=form.cleaned_data.get("region_code", ""), version=form.cleaned_data.get("version", ""))
        except UserFacingError as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, f"已保存{kind.title}记录。")
            return redirect("ledger_row", key=kind.key, pk=saved.pk)
    return render(request, "ledgers/form.html", {"kind": kind, "form": form, "row": row})


def ledger_new(request, key: str):
    kind = _kind(request, key)
    if not kind.editable or not request.user.has_perm_code(kind.edit_perm):
        raise PermissionDenied
    return _form_page(request, kind)


def ledger_edit(request, key: str, pk: int):
    kind = _kind(request, key)
    if not kind.editable or not request.user.has_perm_code(kind.edit_perm):
        raise PermissionDenied
    # The form's instance is a fresh copy: the model form writes the posted values into it before saving.
    return _form_page(request, kind, _row(request, kind, pk))
