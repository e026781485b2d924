"""Creating and changing users. Only a user manager acts, only inside their region subtree."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from gonggu.core.access import Perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import code_in_prefix
from gonggu.core.departments import Department
from gonggu.core.errors import UserFacingError
from gonggu.regions.models import Region

from .models import User
from .permissions import ROLE_LEVELS, Role


def _check_assignment(actor: User, *, role: str, region: Region | None, department: str) -> None:
    if not actor.has_perm_code(Perm.MANAGE_USERS):
        raise UserFacingError("你没有管理用户的权限。")
    if role not in Role.values:
        raise UserFacingError("请选择角色。", field="role")
    if region is None:
        raise UserFacingError("请选择所属区划。", field="region")
    if not code_in_prefix(region.code, actor.scope_prefix):
        raise UserFacingError("所属区划不在你的管辖范围内。", field="region")
    if region.level not in ROLE_LEVELS[role]:
        levels = "、".join({"province": "省", "city": "市", "county": "县", "township": "乡镇", "village": "村"}[x]
                          for x in ROLE_LEVELS[role])
        raise UserFacingError(f"{Role(role).label}只能设在{levels}级区划。", field="region")
    if role == Role.DEPARTMENT_USER and department not in Department.values:
        raise UserFacingError("行业部门用户必须选择所属部门。", field="department")


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise UserFacingError("密码不符合要求：" + "；".join(exc.messages), field="password") from None


@transaction.atomic
def user_create(*, actor: User, username: str, password: str, full_name: str, role: str, region: Region | None,
                department: str = "", phone: str = "", organisation: str = "") -> User:
    _check_assignment(actor, role=role, region=region, department=department)
    username = username.strip()
    if not username:
        raise UserFacingError("用户名不能为空。", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise UserFacingError(f"用户名 {username} 已被使用。", field="username")
    user = User(username=username, full_name=full_name.strip(), role=role, region=region,
                department=department if role == Role.DEPARTMENT_USER else "", phone=phone.strip(),
                organisation=organisation.strip())
    _check_password(password, user)
    user.set_password(password)
    user._history_user = actor
    user.save()
    audit_log(user=actor, action="create", object_type="user", object_id=user.pk, region_code=region.code,
              summary=f"新增用户 {username}（{user.display_role}，{region.name}）")
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, full_name: str, role: str, region: Region | None,
                department: str = "", phone: str = "", organisation: str = "", is_active: bool = True) -> User:
    if not code_in_prefix(user.region.code if user.region else "", actor.scope_prefix):
        raise UserFacingError("用户不存在。")
    _check_assignment(actor, role=role, region=region, department=department)
    if user.pk == actor.pk and not is_active:
        raise UserFacingError("不能停用自己的账号。", field="is_active")
    before = {"role": user.role, "region": user.region.code if user.region else None, "is_active": user.is_active}
    user.full_name, user.role, user.region = full_name.strip(), role, region
    user.department = department if role == Role.DEPARTMENT_USER else ""
    user.phone, user.organisation, user.is_active = phone.strip(), organisation.strip(), is_active
    user._history_user = actor
    user.save()
    after = {"role": user.role, "region": region.code, "is_active": user.is_active}
    audit_log(user=actor, action="update", object_type="user", object_id=user.pk, region_code=region.code,
              summary=f"修改用户 {user.username}", detail={"before": before, "after": after})
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> None:
    if actor.pk != user.pk and not actor.has_perm_code(Perm.MANAGE_USERS):
        raise UserFacingError("你没有重置他人密码的权限。")
    _check_password(password, user)
    user.set_password(password)
    user._history_user = actor
    user.save(update_fields=["password"])
    audit_log(user=actor, action="update", object_type="user", object_id=user.pk,
              region_code=user.region.code if user.region else "", summary=f"重置用户 {user.username} 的密码")
