"""The main menu: one entry per module, shown only to roles that may use it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from gonggu.core.access import Perm
from gonggu.dataio.intake import formats_for_user


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # The role must allow one of these (none: everyone signed in).
    perm: Perm | tuple[Perm, ...] | None = None
    # Where the page decides by more than the role's actions, the page's own test (so the menu never offers a 403).
    check: Callable | None = None


def _cockpit_applies(user) -> bool:
    from .workbench.cockpit import can_see_cockpit

    return can_see_cockpit(user)


NAV_ITEMS = [
    NavItem("我的工作台", "home"),
    NavItem("农户台账", "household_list", Perm.VIEW_REGISTRY),
    NavItem("台账导入", "registry_import", Perm.IMPORT_REGISTRY),
    NavItem("监测帮扶", "monitoring:queue", Perm.VIEW_REGISTRY),
    NavItem("监测历史导入", "monitoring:import_home", Perm.APPROVE_COUNTY),
    NavItem("预警核实", "warning_inbox", Perm.VERIFY_WARNINGS),
    NavItem("筛查预警", "screening_summary", Perm.VIEW_REGISTRY),
    NavItem("工作台账", "ledger_index", Perm.VIEW_REGISTRY),
    NavItem("资金项目", "funds_home", Perm.VIEW_REGISTRY),
    NavItem("驻村帮扶", "stationing_teams", Perm.VIEW_REGISTRY),
    NavItem("部门数据", "batch_list", Perm.IMPORT_DEPT),
    NavItem("数据导入", "intake_home", check=lambda user: bool(formats_for_user(user))),
    NavItem("规则库", "rule_list", Perm.VIEW_REGISTRY),
    NavItem("数据质量", "quality_list", Perm.VIEW_REGISTRY),
    NavItem("参数设置", "param_list", Perm.MANAGE_RULES),
    NavItem("一张图", "cockpit", Perm.VIEW_REGISTRY, _cockpit_applies),
    NavItem("任务清单", "task_home", (Perm.REPORT_TASKS, Perm.VIEW_TASKS)),
    NavItem("考核评估", "assessment_home", Perm.VIEW_REGISTRY),
    NavItem("行政区划", "region_home"),
    NavItem("用户管理", "user_list", Perm.MANAGE_USERS),
    NavItem("审计日志", "audit_list", Perm.VIEW_AUDIT),
]


def nav_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        perms = item.perm if isinstance(item.perm, tuple) else (item.perm,) if item.perm else ()
        if perms and not any(user.has_perm_code(p) for p in perms):
            continue
        if item.check is not None and not item.check(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        matches = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": matches})
    # Only the most specific entry is marked: /monitoring/imports/ is 监测历史导入, not also 监测帮扶.
    best = max((i for i in items if i["active"]), key=lambda i: len(i["url"]), default=None)
    for i in items:
        i["active"] = i is best
    return items
