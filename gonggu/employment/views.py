"""The one page of its own the employment area needs: taking a year's work over into the work-by-year ledger.
Everything else (lists, rows, forms, imports) comes from the ledger pattern."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from gonggu.accounts.permissions import Role
from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.departments import Department
from gonggu.core.errors import UserFacingError

from .ledger_defs import WORK_RECORD
from .services import work_year_take_over


class WorkYearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, help_text="把这一年度的务工情况转入务工就业台账")
    source = forms.ChoiceField(label="来源", choices=[("registry", "农户台账（务工月数、务工地点）"),
                                                    ("rs", "人社就业务工名单（该年度的最新名单）")])


@require_perm(Perm.IMPORT_LEDGERS)
def work_year(request):
    user = request.user
    if user.role == Role.DEPARTMENT_USER and user.department != Department.RS:
        raise PermissionDenied
    form = WorkYearForm(request.POST or None, initial={"year": timezone.localdate().year, "source": "registry"})
    preview = None
    if request.method == "POST" and form.is_valid():
        year, source = form.cleaned_data["year"], form.cleaned_data["source"]
        confirm = "confirm" in request.POST
        try:
            result = work_year_take_over(year=year, source=source, prefix=user.scope_prefix, user=user,
                                         dry_run=not confirm)
        except UserFacingError as exc:
            form.add_error(None, exc.message)
        else:
            if not confirm:
                preview = result
            else:
                audit_log(user=user, request=request, action="import", object_type="ledger_work_record",
                          summary=result.message)
                messages.success(request, result.message)
                return redirect(reverse("ledger_list", args=[WORK_RECORD.key]) + f"?year={year}")
    return render(request, "employment/work_year.html", {"form": form, "preview": preview, "kind": WORK_RECORD})
