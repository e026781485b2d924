from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import mask
from gonggu.core.jobs import job_start
from gonggu.core.web import on_refusal
from gonggu.regions.models import Region

from .catalog import CATALOG, KIND_LABELS
from .jobs import quality_run_job
from .selectors import (
    GRADE_LABELS,
    grade_label,
    household_links,
    live_counts,
    parameters_table,
    quality_findings,
    quality_matrix,
    rule_findings,
    rule_get,
    rules_catalog,
)
from .services import overridable_params, param_clear, param_set, rule_setting_update

GRADE_BADGES = {"red": "red", "orange": "amber", "yellow": "amber", "info": "grey"}


def _village_names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


def _finding_rows(findings) -> list[dict]:
    """Findings of one page, with masked numbers, village names and links to the household page."""
    findings = list(findings)
    links = household_links(findings)
    names = _village_names(f.region_code for f in findings)
    rows = []
    for f in findings:
        pk = links.get((f.household_no, f.region_code[:6]))
        url = ""
        if pk is not None:
            try:
                url = reverse("household_detail", args=[pk])
            except NoReverseMatch:
                url = ""
        rows.append({"f": f, "id": mask(f.id_number), "village": names.get(f.region_code, f.region_code), "url": url,
                     "badge": GRADE_BADGES.get(f.grade, "grey"), "grade": GRADE_LABELS.get(f.grade, f.grade),
                     "title": getattr(CATALOG.rules.get(f.rule), "title", "")})
    return rows


@require_perm(Perm.VIEW_REGISTRY, Perm.MANAGE_RULES)
def rule_list(request):
    kind = request.GET.get("kind", "")
    rules = rules_catalog()
    if kind:
        rules = [r for r in rules if r["kind"] == kind]
    counts = live_counts(request.user, [r["code"] for r in rules])
    for r in rules:
        r["live"] = counts.get(r["code"])
        r["badge"] = GRADE_BADGES.get(r["grade"], "grey")
    return render(request, "rules/rule_list.html", {"rules": rules, "kind": kind, "kinds": KIND_LABELS.items(),
                                                    "can_manage": request.user.has_perm_code(Perm.MANAGE_RULES)})


@require_perm(Perm.VIEW_REGISTRY, Perm.MANAGE_RULES)
def rule_detail(request, code: str):
    rule = rule_get(code)
    entry = next(r for r in rules_catalog() if r["code"] == code)
    village = request.GET.get("village", "")
    run, qs = rule_findings(request.user, code, village=village)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    live = live_counts(request.user, [code]).get(code)
    can_manage = request.user.has_perm_code(Perm.MANAGE_RULES)
    overridable = [(name, CATALOG.params[name], entry["overrides"].get(name, ""), entry["params"].get(name))
                   for name in overridable_params(rule)]
    yearly = [(name, CATALOG.params[name], entry["params"].get(name) or {})
              for name in rule.params if name in CATALOG.params and CATALOG.params[name].yearly]
    return render(request, "rules/rule_detail.html", {
        "rule": rule, "entry": entry, "grade": grade_label(rule), "badge": GRADE_BADGES.get(rule.grade, "grey"),
        "kind_label": KIND_LABELS[rule.kind], "run": run, "live": live, "page": page, "rows": _finding_rows(page),
        "village": village, "can_manage": can_manage, "overridable": overridable, "yearly": yearly,
        "run_params": (run.params or {}).get(code) if run else None,
        "tables": [CATALOG.tables.get(t) or CATALOG.views.get(t) for t in rule.tables],
    })


@require_POST
@require_perm(Perm.MANAGE_RULES)
@on_refusal("rule_detail", "code")
def rule_setting(request, code: str):
    rule = rule_get(code)
    params = {name: request.POST.get(f"param_{name}", "") for name in overridable_params(rule)}
    rule_setting_update(code=code, enabled=request.POST.get("enabled") == "on", params=params,
                        user=request.user, request=request)
    messages.success(request, f"已保存规则 {code} 的设置，下次运行起生效。")
    return redirect("rule_detail", code=code)


@require_perm(Perm.MANAGE_RULES)
@on_refusal("param_list")
def param_list(request):
    if request.method == "POST":
        name = request.POST.get("name", "")
        year_text = request.POST.get("year", "").strip()
        try:
            year = int(year_text) if year_text else None
        except ValueError:
            raise UserFacingError(f"年度「{year_text}」不是整数。") from None
        if request.POST.get("action") == "clear":
            param_clear(name=name, year=year, user=request.user, request=request)
            messages.success(request, f"已删除参数 {name}{f' {year} 年' if year else ''} 的设定值。")
        else:
            param = param_set(name=name, value=request.POST.get("value", ""), year=year, user=request.user,
                              request=request)
            messages.success(request, f"已设置参数 {param.name}{f' {year} 年' if year else ''}。")
        return redirect("param_list")
    table = parameters_table()
    return render(request, "rules/param_list.html", {**table, "this_year": timezone.localdate().year})


@require_perm(Perm.VIEW_REGISTRY, Perm.MANAGE_RULES)
def quality_list(request):
    rule = request.GET.get("rule", "")
    village = request.GET.get("village", "")
    cells, runs = quality_matrix(request.user)
    # Columns for the rules that found something (all nine would not fit a phone or a narrow window).
    codes = [r.code for r in CATALOG.of_kind("quality") if any(c["rule"] == r.code for c in cells)]
    legend = CATALOG.of_kind("quality")
    villages = sorted({c["region_code"] for c in cells})
    names = _village_names(villages)
    matrix = []
    for code in villages:
        counts = {c["rule"]: c["n"] for c in cells if c["region_code"] == code}
        matrix.append({"code": code, "name": names.get(code, code), "counts": [(r, counts.get(r, 0)) for r in codes],
                       "total": sum(counts.values())})
    totals = [sum(c["n"] for c in cells if c["rule"] == r) for r in codes]
    ctx = {"codes": codes, "rules": [CATALOG.rules[c] for c in codes], "legend": legend, "matrix": matrix,
           "totals": totals,
           "runs": runs, "last_run": max(runs.values(), key=lambda r: r.started_at) if runs else None,
           "rule": rule, "village": village, "village_name": names.get(village, village),
           "can_run": request.user.has_perm_code(Perm.EDIT_REGISTRY) or request.user.has_perm_code(Perm.MANAGE_RULES)}
    if rule or village:
        page = Paginator(quality_findings(request.user, rule=rule, village=village), 50).get_page(request.GET.get("page"))
        ctx.update(page=page, rows=_finding_rows(page), show_detail=True)
    return render(request, "rules/quality_list.html", ctx)


@require_POST
@require_perm(Perm.VIEW_REGISTRY, Perm.MANAGE_RULES)
def quality_run(request):
    user = request.user
    if not (user.has_perm_code(Perm.EDIT_REGISTRY) or user.has_perm_code(Perm.MANAGE_RULES)):
        raise PermissionDenied
    region = user.region.code if user.region else ""
    job = job_start(kind="quality_run", title="数据质量自查", user=user, region_code=region, task=quality_run_job,
                    prefix=user.scope_prefix, as_of=timezone.localdate().isoformat())
    return redirect("job_detail", pk=job.pk)
