"""Shared pieces of the monitoring pages: permissions and how form errors become messages (refusals: `core.web.on_refusal`)."""

from __future__ import annotations

from django.contrib import messages

from gonggu.core.access import Perm

VIEW = Perm.VIEW_REGISTRY
ACT = (Perm.MANAGE_CASES, Perm.REVIEW_TOWNSHIP, Perm.APPROVE_COUNTY)


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
