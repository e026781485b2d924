"""Shared pieces of the monitoring pages: permissions and how refusals and form errors become messages."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from gonggu.core.access import Perm
from gonggu.core.errors import UserFacingError

VIEW = Perm.VIEW_REGISTRY
ACT = (Perm.MANAGE_CASES, Perm.REVIEW_TOWNSHIP, Perm.APPROVE_COUNTY)


def _refused(request, exc: UserFacingError, url: str):
    messages.error(request, exc.message)
    return redirect(url)


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return "；".join(parts)


def _parsed(request, form_class, url: str):
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return None
    return form.cleaned_data
