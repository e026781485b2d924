from django.core.paginator import Paginator
from django.shortcuts import render

from gonggu.core.access import Perm, require_perm
from gonggu.core.codes import in_scope_q
from gonggu.core.models import AuditEvent


@require_perm(Perm.VIEW_AUDIT)
def audit_list(request):
    events = AuditEvent.objects.select_related("user")
    prefix = request.user.scope_prefix
    if prefix is not None:
        # Events of the user's subtree, plus events of users of that subtree that name no region (logins).
        events = events.filter(in_scope_q("region_code", prefix) | in_scope_q("user__region__code", prefix))
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "web/audit_list.html",
                  {"page": page, "action": action, "actions": AuditEvent.Action.choices})
