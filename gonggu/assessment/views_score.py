"""Pages of the self-evaluation with its score: all indicators with their content items (figures and
evidence), the total per county and per township, what-if, the county's scoring rules and item evidence."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import Level, in_scope_q
from gonggu.core.models import AuditEvent
from gonggu.core.uploads import stored_file_response
from gonggu.core.web import on_refusal, returns_to
from gonggu.dataio.writers import write_xlsx
from gonggu.regions.models import Region

from .figures import FIGURES, EvalContext, evaluate
from .models import ItemEvidence, ScoringRule
from .scoring import services as scoring_services
from .scoring.card import evidence_for, indicator_defs, region_card
from .scoring.score import METHODS
from .selectors import county_code_of, indicator_system_current, region_for_user

VIEW = (Perm.VIEW_REGISTRY, Perm.MANAGE_ASSESSMENT)


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def _crumbs(user, region: Region) -> list[tuple[Region, bool]]:
    prefix = user.scope_prefix
    return [(r, prefix is None or r.code.startswith(prefix)) for r in region.ancestors()]


def _evaluated(region: Region, today: dt.date):
    ctx = EvalContext(prefix=region.prefix, today=today)
    system = indicator_system_current(today=today, county_code=county_code_of(region.prefix))
    results = [evaluate(fig, ctx, region.prefix, region.code) for fig in FIGURES.values()]
    return ctx, system, results


def _children_cards(region: Region, ctx: EvalContext, system, figure_codes: list[str]):
    """Each township (or village) scored from the same pass: the county's figures summed under its prefix."""
    if region.level == Level.VILLAGE:
        return []
    out = []
    for child in region.children.order_by("code"):
        results = [evaluate(FIGURES[c], ctx, child.prefix, child.code) for c in FIGURES]
        by_code = {r.figure.code: r for r in results}
        out.append((child, region_card(child, ctx, system, results=results), [by_code[c] for c in figure_codes]))
    return out


@require_perm(*VIEW)
def self_evaluation(request, code: str):
    region = region_for_user(request.user, code)
    today = _today()
    ctx, system, results = _evaluated(region, today)
    card = region_card(region, ctx, system, results=results)
    figure_codes = [r.figure.code for r in results]
    children = _children_cards(region, ctx, system, figure_codes)
    counts = {s: sum(1 for r in results if r.status == s) for s in ("pass", "fail", "watch", "nodata", "na")}
    evidence: dict[str, list] = {}
    if system is not None:
        for e in evidence_for(region, system.year):
            evidence.setdefault(e.item_key, []).append(e)
    if card is not None:
        for ind in card.indicators:
            for it in ind.items:
                it.evidence_rows = evidence.get(it.item.key, [])
    ranking = sorted((c for c in children if c[1] is not None), key=lambda c: -c[1].total)
    return render(request, "assessment/self_evaluation.html", {
        "region": region, "crumbs": _crumbs(request.user, region), "today": today, "system": system,
        "card": card, "results": results, "children": children, "ranking": ranking, "counts": counts,
        "indicator_13": next((i for i in indicator_defs(system) if i.code == "13"), None),
        "can_manage": request.user.has_perm_code(Perm.MANAGE_ASSESSMENT),
    })


@require_POST
@require_perm(*VIEW)
def self_evaluation_export(request, code: str):
    """The score table as .xlsx: every content item with its points, and each township's total."""
    region = region_for_user(request.user, code)
    today = _today()
    ctx, system, results = _evaluated(region, today)
    card = region_card(region, ctx, system, results=results)
    if card is None:
        raise Http404("没有考核指标体系。")
    items = [[f"指标{ind.code} {ind.name}", it.item.title, "佐证" if it.item.is_evidence else "数据测算",
              it.status_label, float(it.max_points), float(it.points), float(it.gain_if_met)]
             for ind in card.indicators for it in ind.items]
    items.append(["扣分项（指标13）", "", "", "", "", -float(card.deduction), ""])
    items.append(["总分", "", "", "", float(card.max_total), float(card.total), ""])
    sheets = [("内容项得分", ["指标", "内容项", "方式", "状态", "分值", "得分", "达标后可增加"], items)]
    children = _children_cards(region, ctx, system, [])
    if children:
        sheets.append(("下辖区划得分", ["区划", "区划代码", "总分", "扣分"],
                       [[c.name, c.code, float(k.total), float(k.deduction)] for c, k, _ in children if k]))
    body = write_xlsx(sheets, text_columns={"区划代码"})
    audit_log(request=request, action=AuditEvent.Action.EXPORT, object_type="self_evaluation_score",
              object_id=region.code, region_code=region.code, summary=f"导出自评得分：{region.name}")
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"{region.name}自评得分{today:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# --- the county's scoring rules -----------------------------------------------------------------------


def _county_manager(user) -> bool:
    return user.has_perm_code(Perm.MANAGE_ASSESSMENT) and (user.scope_prefix is None or len(user.scope_prefix) == 6)


@require_perm(*VIEW)
@on_refusal()
def scoring_rules(request):
    region = region_for_user(request.user, request.GET.get("region") or None)
    county = county_code_of(region.prefix)
    today = _today()
    system = indicator_system_current(today=today, county_code=county)
    if system is None or county is None:
        messages.error(request, "请从县或县以下区划查看评分规则。")
        return redirect("assessment_self")
    can_edit = _county_manager(request.user) and (request.user.scope_prefix is None
                                                   or request.user.scope_prefix[:6] == county[:6])
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        url = returns_to(request, f"{request.path}?region={region.code}")
        rows = {}
        for ind in system.indicators.exclude(code="13"):
            rows[ind.code] = {"points": request.POST.get(f"points_{ind.code}", ""),
                              "method": request.POST.get(f"method_{ind.code}", "share"),
                              "nodata_excluded": request.POST.get(f"nodata_{ind.code}", ""),
                              "note": request.POST.get(f"note_{ind.code}", "")}
        n = scoring_services.scoring_rules_save(user=request.user, year=system.year, rows=rows, county_code=county)
        messages.success(request, f"评分规则已保存（{n} 项指标有变化）。")
        return redirect(url)
    rules = {r.indicator_code: r for r in ScoringRule.objects.filter(county_code=county, year=system.year)}
    history = (ScoringRule.history.filter(county_code=county, year=system.year)
               .select_related("history_user").order_by("-history_date")[:30])
    rows = [(ind, rules.get(ind.code)) for ind in system.indicators.exclude(code="13").order_by("order")]
    return render(request, "assessment/scoring_rules.html", {
        "region": region, "system": system, "rows": rows, "methods": METHODS.items(), "can_edit": can_edit,
        "history": history, "county_name": Region.objects.filter(code=county).values_list("name", flat=True).first()})


# --- evidence for content items ---------------------------------------------------------------------------


@require_POST
@require_perm(Perm.MANAGE_ASSESSMENT)
@on_refusal()
def item_evidence_upload(request, code: str):
    region = region_for_user(request.user, code)
    url = returns_to(request, reverse("assessment_self_region", kwargs={"code": region.code})
                     + f"#item-{request.POST.get('item', '')}")
    system = indicator_system_current(today=_today(), county_code=county_code_of(region.prefix))
    raw_date = request.POST.get("happened_on", "")
    try:
        happened_on = dt.date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        happened_on = None
        messages.error(request, f"日期“{raw_date}”格式不对，应为 2025-06-30。")
        return redirect("assessment_self_region", code=region.code)
    scoring_services.item_evidence_add(
        user=request.user, region=region, year=system.year if system else _today().year,
        item_key=request.POST.get("item", ""), title=request.POST.get("title", ""), happened_on=happened_on,
        uploaded=request.FILES.get("file"))
    messages.success(request, "佐证材料已上传。")
    return redirect(url)


def _evidence_in_scope(user, pk: int) -> ItemEvidence:
    """Evidence within the user's region, or of a region above it (a county's meeting counts for its townships)."""
    evidence = ItemEvidence.objects.filter(pk=pk).first()
    region = Region.objects.filter(code=evidence.region_code).first() if evidence is not None else None
    prefix = user.scope_prefix
    if region is None or not (prefix is None or region.code.startswith(prefix) or prefix.startswith(region.prefix)):
        raise Http404("文件不存在。")
    return evidence


@require_perm(*VIEW)
def item_evidence_file(request, pk: int):
    evidence = _evidence_in_scope(request.user, pk)
    # Downloads carry the document's title, not the uploaded file name.
    suffix = evidence.name.rsplit(".", 1)[-1] if "." in evidence.name else ""
    return stored_file_response(evidence.path, filename=f"{evidence.title}.{suffix}" if suffix else evidence.title,
                                inline_ok=False)


@require_POST
@require_perm(Perm.MANAGE_ASSESSMENT)
def item_evidence_delete(request, pk: int):
    evidence = ItemEvidence.objects.filter(in_scope_q("region_code", request.user.scope_prefix), pk=pk).first()
    if evidence is None:
        raise Http404("文件不存在。")
    code = evidence.region_code
    scoring_services.item_evidence_delete(user=request.user, evidence=evidence)
    messages.success(request, "佐证材料已删除。")
    return redirect("assessment_self_region", code=code)
