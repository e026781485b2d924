"""Writing the access log. Every sensitive read or export goes through `audit_log`."""

from __future__ import annotations

from typing import Any

from .models import AuditEvent
from .net import client_ip

__all__ = ["audit_log", "client_ip"]


def audit_log(
    *,
    user=None,
    request=None,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    region_code: str = "",
    summary: str = "",
    detail: dict | None = None,
    username: str = "",
) -> AuditEvent:
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        user=user,
        username=username or (user.get_username() if user is not None else ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        region_code=region_code or "",
        summary=summary[:300],
        detail=detail or {},
        ip_address=client_ip(request),
    )
