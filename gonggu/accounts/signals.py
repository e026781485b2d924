"""Login, logout and failed logins go to the access log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from gonggu.core.audit import audit_log


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_log(user=user, request=request, action="login", summary="登录成功")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_log(user=user, request=request, action="logout", summary="退出登录")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    from .models import User

    name = str(credentials.get("username", ""))[:150]
    target = User.objects.filter(username=name).select_related("region").first()
    # The address is the client's as the trusted proxy reports it (audit_log); the region is the account's,
    # so that its county's administrators see the attempts.
    audit_log(request=request, user=None, action="login_failed", username=name, summary="登录失败",
              region_code=target.region.code if target is not None and target.region else "")
