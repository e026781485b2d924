"""Actions that roles may be allowed, and permission checks for views.

The vocabulary of actions lives here, below every app, so that each app's views
can check them; which role may do what is decided in `gonggu.accounts.permissions`.
Role actions fail with a plain 403; records outside the user's region fail with
404, exactly like missing ones.
"""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .codes import code_in_prefix, in_scope_q
from .errors import NotFoundInScope


class Perm(StrEnum):
    VIEW_REGISTRY = "view_registry"          # 查看户籍台账
    EDIT_REGISTRY = "edit_registry"          # 维护户、人信息
    IMPORT_REGISTRY = "import_registry"      # 批量导入户籍
    UNMASK_ID = "unmask_id"                  # 查看完整身份证号（留痕）
    EXPORT_PERSONAL = "export_personal"      # 导出含个人信息的清单（脱敏）
    EXPORT_UNMASKED = "export_unmasked"      # 导出完整身份证号（留痕）
    MANAGE_USERS = "manage_users"
    MANAGE_REGIONS = "manage_regions"
    VIEW_AUDIT = "view_audit"
    IMPORT_DEPT = "import_dept"              # 导入部门数据
    MANAGE_RULES = "manage_rules"            # 规则与参数
    RUN_SCREENING = "run_screening"
    VERIFY_WARNINGS = "verify_warnings"      # 村级核实预警
    MANAGE_CASES = "manage_cases"            # 村级发起、录入监测
    REVIEW_TOWNSHIP = "review_township"      # 乡级审核
    APPROVE_COUNTY = "approve_county"        # 县级审批
    RECORD_VISITS = "record_visits"
    MANAGE_TASKS = "manage_tasks"            # 任务清单、督办
    REPORT_TASKS = "report_tasks"            # 填报进展
    VIEW_TASKS = "view_tasks"                # 查看督办（只读：领导）
    MANAGE_ASSESSMENT = "manage_assessment"  # 考核、整改
    EDIT_LEDGERS = "edit_ledgers"            # 录入、修改工作台账（村、乡在现场录入）
    IMPORT_LEDGERS = "import_ledgers"        # 批量导入工作台账


def require_perm(*perms: Perm):
    """The user's role must allow one of `perms`; otherwise a plain 403 with no details."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_perm_code(p) for p in perms):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFoundInScope as exc:
                raise Http404(exc.message) from None

        return wrapped

    return decorator


def can_see_code(user, code: str) -> bool:
    return code_in_prefix(code, user.scope_prefix)


def ensure_in_scope(user, code: str) -> None:
    if not can_see_code(user, code):
        raise NotFoundInScope()


def get_in_scope(model_or_qs, user, pk, *, what: str = "记录", field: str | None = "region_code"):
    """Row `pk` of a model or queryset if it lies in the user's region, else `NotFoundInScope(what)`: a row
    outside the region looks exactly like a missing one.

    The region is checked on `field` (a region code, or a path to one such as "notice__region_code"); pass
    `field=None` for a queryset that a `*_for_user` selector has already limited to the user.
    """
    qs = model_or_qs._default_manager.all() if isinstance(model_or_qs, type) else model_or_qs
    if field is not None:
        qs = qs.filter(in_scope_q(field, user.scope_prefix))
    row = qs.filter(pk=pk).first()
    if row is None:
        raise NotFoundInScope(what)
    return row
