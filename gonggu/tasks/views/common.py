"""Shared pieces of the task pages: the htmx check, form errors in words, the user's region."""

from __future__ import annotations

from gonggu.core.errors import UserFacingError

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


