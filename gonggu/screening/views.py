import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import mask
from gonggu.core.jobs import job_start
from gonggu.core.models import AuditEvent
from gonggu.rules.catalog import CATALOG
from gonggu.rules.words import rule_title

from .evidence import department_label, render_items, render_params
from .forms import RunForm, SettingForm, VerifyForm
from .jobs import run_screening_job
from .models import VERIFIED_STATUSES, Grade, ScreeningSetting, Warning, WarningStatus
from .selectors import (
    CATEGORIES,
    WarningFilter,
    inbox_for_user,
    latest_runs,
    open_summary_for_user,
    statistics_for_user,
    warning_get_for_user,
    warning_list_for_user,
    warnings_for_user,
)
from .services import screening_settings_update, warning_verify


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@require_perm(Perm.VIEW_REGISTRY)
def screening_summary(request):
    user = request.user
    summary = open_summary_for_user(user)
    charts = {
        "rule": {"labels": [rule_title(r["rule"]) for r in summary["by_rule"]], "values": [r["count"] for r in summary["by_rule"]]},
        "grade": [{"name": g["label"], "value": g["count"]} for g in summary["by_grade"] if g["count"]],
        "township": {"labels": [t["name"] for t in summary["by_township"]],
                     "values": [t["count"] for t in summary["by_township"]]},
        "department": {"labels": [d["label"] for d in summary["by_department"]],
                       "values": [d["count"] for d in summary["by_department"]]},
    }
    return render(request, "screening/summary.html", {
        "summary": summary, "charts": charts, "runs": latest_runs(user),
        "run_form": RunForm() if user.has_perm_code(Perm.RUN_SCREENING) else None,
    })


@require_POST
@require_perm(Perm.RUN_SCREENING)
def screening_run_start(request):
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("screening_summary")
    as_of = form.cleaned_data["as_of"]
    user = request.user
    region = user.region
    job = job_start(kind="screening", title=f"运行筛查（基准日 {as_of}）", user=user,
                    region_code=region.code if region is not None else "", task=run_screening_job,
                    as_of=as_of.isoformat(), prefix=user.scope_prefix)
    return redirect("job_detail", pk=job.pk)


@require_perm(Perm.VERIFY_WARNINGS)
def warning_inbox(request):
    category = request.GET.get("category", "risk")
    if category not in ("risk", "quality"):
        category = "risk"
    page = Paginator(inbox_for_user(request.user, category=category), 50).get_page(request.GET.get("page"))
    for w in page:
        w.evidence_rendered = render_items(w.evidence, mask)
    counts = {key: inbox_for_user(request.user, category=key).count() for key in ("risk", "quality")}
    return render(request, "screening/inbox.html", {"page": page, "category": category, "counts": counts})


@require_perm(Perm.VIEW_REGISTRY)
def warning_list(request):
    g = request.GET
    f = WarningFilter.from_data(g)
    page = Paginator(warning_list_for_user(request.user, f), 50).get_page(g.get("page"))
    departments = sorted({d for d in warnings_for_user(request.user).values_list("department", flat=True)})
    return render(request, "screening/warning_list.html", {
        "page": page, "f": f, "statuses": WarningStatus.choices, "grades": Grade.choices,
        "rules": sorted(r.code for r in CATALOG.of_kind("screening")) or sorted(
            set(warnings_for_user(request.user).values_list("rule", flat=True))),
        "departments": [(d, department_label(d)) for d in departments], "categories": CATEGORIES.items(),
    })


def _detail_context(request, warning, form=None):
    user = request.user
    # Showing the full number is logged, so it is asked for with POST (a link or a prefetch cannot trigger it).
    show_id = request.method == "POST" and request.POST.get("show_id") == "1" and user.has_perm_code(Perm.UNMASK_ID)
    if show_id and warning.id_number:
        audit_log(request=request, action=AuditEvent.Action.VIEW_PII, object_type="screening_warning",
                  object_id=warning.pk, region_code=warning.region_code,
                  summary=f"查看预警 {warning.pk} 的完整身份证号")
    shown = (lambda v: v) if show_id else mask
    rule = CATALOG.rules.get(warning.rule)
    # Earlier warnings of the same rule and household: their verification is why this one needed a newer fact.
    earlier = list(Warning.objects.filter(household_id=warning.household_id, rule=warning.rule, pk__lt=warning.pk)
                   .order_by("-pk").only("pk", "status", "first_raised_on", "ended_on")[:10])
    can_verify = warning.is_open and user.has_perm_code(Perm.VERIFY_WARNINGS)
    return {
        "w": warning, "rule": rule, "id_text": shown(warning.id_number) if warning.id_number else "—",
        "show_id": show_id, "can_unmask": user.has_perm_code(Perm.UNMASK_ID) and bool(warning.id_number),
        "evidence": render_items(warning.evidence, shown), "params": render_params(warning.params),
        "events": warning.events.select_related("actor").order_by("at", "id"),
        "form": (form or VerifyForm()) if can_verify else None,
        "department": department_label(warning.department), "earlier": earlier,
        "reraised": any(e.status in VERIFIED_STATUSES for e in earlier),
    }


@require_perm(Perm.VIEW_REGISTRY)
def warning_detail(request, pk: int):
    warning = warning_get_for_user(request.user, pk)
    return render(request, "screening/warning_detail.html", _detail_context(request, warning))


@require_POST
@require_perm(Perm.VERIFY_WARNINGS)
def warning_verify_view(request, pk: int):
    warning = warning_get_for_user(request.user, pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            warning = warning_verify(warning=warning, user=request.user, outcome=form.cleaned_data["outcome"],
                                     note=form.cleaned_data["note"])
        except UserFacingError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                messages.error(request, exc.message)
            warning = warning_get_for_user(request.user, pk)
        else:
            messages.success(request, f"已核实：户 {warning.household.household_no} {warning.rule} → "
                                      f"{warning.get_status_display()}。")
            return redirect("warning_inbox")
    return render(request, "screening/warning_detail.html", _detail_context(request, warning, form), status=400)


@require_perm(Perm.VIEW_REGISTRY)
def screening_statistics(request):
    category = request.GET.get("category", "risk")
    if category not in CATEGORIES:
        category = "risk"
    since, until = _date(request.GET.get("since")), _date(request.GET.get("until"))
    stats = statistics_for_user(request.user, category=category, since=since, until=until)
    overdue = warning_list_for_user(request.user, WarningFilter(overdue=True, category=category),
                                    today=stats.today)
    if since:
        overdue = overdue.filter(first_raised_on__gte=since)
    if until:
        overdue = overdue.filter(first_raised_on__lte=until)
    return render(request, "screening/statistics.html", {
        "stats": stats, "category": category, "categories": CATEGORIES.items(), "since": since, "until": until,
        "overdue": overdue[:100], "overdue_count": overdue.count(),
        "outcome_labels": [s.label for s in WarningStatus if s.value in stats.total.outcomes],
    })


@require_perm(Perm.MANAGE_RULES)
def screening_settings(request):
    current = ScreeningSetting.current()
    form = SettingForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            screening_settings_update(user=request.user, red_days=d["red_days"], orange_days=d["orange_days"],
                                      yellow_days=d["yellow_days"], info_days=d["info_days"])
        except UserFacingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已保存核实时限，新生成的预警按新时限计算。")
            return redirect("screening_summary")
    return render(request, "screening/settings.html", {"form": form})
