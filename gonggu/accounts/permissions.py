"""What each role may do. Permission = role's actions × the user's region subtree.

Roles and actions are code, not database rows: they are part of the procedure
the seeds prescribe (who initiates, who reviews, who approves), so changing
them is a change of the software, reviewed like one.
"""

from django.db import models

from gonggu.core.access import Perm


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", "县级管理员"
    DEPARTMENT_USER = "department_user", "县级行业部门用户"
    TOWNSHIP_REVIEWER = "township_reviewer", "乡镇审核员"
    VILLAGE_CLERK = "village_clerk", "村级信息员"
    VILLAGE_TEAM = "village_team", "驻村工作队员"
    ASSISTANCE_OFFICER = "assistance_officer", "帮扶责任人"
    LEADER = "leader", "领导查看"


P = Perm
ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.COUNTY_ADMIN: frozenset(Perm),
    Role.DEPARTMENT_USER: frozenset({P.VIEW_REGISTRY, P.IMPORT_DEPT, P.EXPORT_PERSONAL, P.REPORT_TASKS,
                                     P.IMPORT_LEDGERS}),
    Role.TOWNSHIP_REVIEWER: frozenset({P.VIEW_REGISTRY, P.UNMASK_ID, P.EXPORT_PERSONAL, P.REVIEW_TOWNSHIP,
                                       P.REPORT_TASKS, P.MANAGE_ASSESSMENT, P.EDIT_LEDGERS, P.IMPORT_LEDGERS}),
    Role.VILLAGE_CLERK: frozenset({P.VIEW_REGISTRY, P.EDIT_REGISTRY, P.UNMASK_ID, P.EXPORT_PERSONAL,
                                   P.VERIFY_WARNINGS, P.MANAGE_CASES, P.RECORD_VISITS, P.REPORT_TASKS,
                                   P.EDIT_LEDGERS}),
    Role.VILLAGE_TEAM: frozenset({P.VIEW_REGISTRY, P.EDIT_REGISTRY, P.VERIFY_WARNINGS, P.MANAGE_CASES,
                                  P.RECORD_VISITS, P.REPORT_TASKS, P.EDIT_LEDGERS}),
    Role.ASSISTANCE_OFFICER: frozenset({P.VIEW_REGISTRY, P.RECORD_VISITS}),
    Role.LEADER: frozenset({P.VIEW_REGISTRY, P.VIEW_TASKS}),
}

# The region level a role's user is attached to (township reviewers to a township, …).
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.COUNTY_ADMIN: ("county", "city", "province"),
    Role.DEPARTMENT_USER: ("county", "city", "province"),
    Role.TOWNSHIP_REVIEWER: ("township",),
    Role.VILLAGE_CLERK: ("village",),
    Role.VILLAGE_TEAM: ("village",),
    Role.ASSISTANCE_OFFICER: ("village", "township"),
    Role.LEADER: ("province", "city", "county", "township", "village"),
}


def role_perms(role: str) -> frozenset[Perm]:
    return ROLE_PERMS.get(role, frozenset())
