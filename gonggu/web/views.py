from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from gonggu.assessment.selectors import headline_counts
from gonggu.core.access import Perm, require_perm
from gonggu.core.codes import LEVEL_LABELS, LEVEL_ORDER, in_scope_q
from gonggu.core.models import AuditEvent
from gonggu.regions.selectors import region_children, region_counts_by_level


def home(request):
    user = request.user
    region = user.region
    counts = region_counts_by_level(user.scope_prefix)
    level_counts = [(LEVEL_LABELS[lv], counts.get(lv, 0)) for lv in LEVEL_ORDER if counts.get(lv)]
    children = list(region_children(region)) if region is not None else []
    headline = (headline_counts(user.scope_prefix, today=timezone.localdate())
                if user.has_perm_code(Perm.VIEW_REGISTRY) else None)
    return render(request, "web/home.html", {"region": region, "level_counts": level_counts, "children": children,
                                             "headline": headline})


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
