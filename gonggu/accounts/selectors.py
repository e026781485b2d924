from __future__ import annotations

from django.db.models import Q, QuerySet

from gonggu.core.access import get_in_scope
from gonggu.core.codes import in_scope_q
from gonggu.core.models import AuditEvent

from .models import User


def users_for_user(actor: User, *, text: str = "", role: str = "") -> QuerySet[User]:
    qs = User.objects.select_related("region")
    if actor.scope_prefix is not None:
        qs = qs.filter(in_scope_q("region__code", actor.scope_prefix), is_superuser=False)
    if text:
        qs = qs.filter(Q(username__icontains=text) | Q(full_name__icontains=text) | Q(phone__contains=text))
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("region__code", "role", "username")


def failed_logins_for_user(actor: User, *, text: str = "") -> QuerySet[AuditEvent]:
    """Failed logins against the accounts the actor manages (their region's users), newest first."""
    names = users_for_user(actor, text=text).values("username")
    return AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, username__in=names).order_by("-at", "-id")


def user_get_for_user(actor: User, pk: int) -> User:
    return get_in_scope(users_for_user(actor), actor, pk, what="用户", field=None)
