"""The resettlement sites' income page (安置点收入比值): each site's per-capita income of its relocated 脱贫户 against
the province's and the nation's rural income, year on year, with the households behind each site; both lists export
to .xlsx with the page's filter."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, get_in_scope, require_perm
from gonggu.core.errors import NotFoundInScope
from gonggu.regions.exports import ListExport, filters_of, list_export
from gonggu.regions.models import Region

from .ledger_defs import RELOCATED_HOUSEHOLD, RESETTLEMENT_SITE
from .models import ResettlementSite
from .relocation_income import percent, site_households, site_incomes
from .relocation_rules import RELOC_INCOME_TEXT

VIEW = Perm.VIEW_REGISTRY
HEADERS = ("所在地", "区划代码", "安置点", "计入脱贫户（户）", "上年人均纯收入（元）", "本年人均纯收入（元）",
           "与全省之比（上年）", "与全省之比（本年）", "与全国之比（上年）", "与全国之比（本年）", "结论")


def _names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


def _site_rows(data):
    names = _names(r.site.region_code for r in data.rows)
    for r in data.rows:
        yield (names.get(r.site.region_code, r.site.region_code), r.site.region_code, r.site.name, r.households,
               r.prev_per_capita if r.prev_per_capita is not None else "",
               r.per_capita if r.per_capita is not None else "", percent(r.prev_province), percent(r.province),
               percent(r.prev_nation), percent(r.nation), r.status)


@require_perm(VIEW)
def site_income_list(request):
    region = filters_of(request, ("region",))["region"].strip()
    data = site_incomes(request.user, region)
    return render(request, "employment/site_income.html", {
        "data": data, "items": list(zip([r.site.pk for r in data.rows], _site_rows(data), strict=True)),
        "region": region,
        "headers": HEADERS, "quote": RELOC_INCOME_TEXT, "kind": RESETTLEMENT_SITE,
        "not_risen": sum(1 for r in data.rows if r.risen is False)})


@require_POST
@require_perm(VIEW)
def site_income_export(request):
    params = filters_of(request, ("region",))
    data = site_incomes(request.user, params["region"].strip())
    title = f"安置点脱贫人口收入比值（{data.year} 年）" if data.year else "安置点脱贫人口收入比值"
    return list_export(request, ListExport(
        title=title, headers=HEADERS, rows=_site_rows(data), count=len(data.rows),
        object_type="employment.site_income", filters=params, text_columns=frozenset({"区划代码"}), region_at=1,
        personal=False))


def _site(request, pk: int) -> ResettlementSite:
    try:
        return get_in_scope(ResettlementSite, request.user, pk, what="安置点")
    except NotFoundInScope as exc:
        raise Http404(exc.message) from None


def _household_rows(qs):
    names = _names(h["region_code"] for h in qs)
    for h in qs:
        yield (names.get(h["region_code"], h["region_code"]), h["region_code"], h["household_no"], h["head_name"],
               h["pc_prev"] if h["pc_prev"] is not None else "", h["pc"] if h["pc"] is not None else "",
               h["size"] if h["size"] is not None else "")


HOUSEHOLD_HEADERS = ("所在地", "区划代码", "户编号", "户主", "上年人均纯收入（元）", "本年人均纯收入（元）", "本年家庭人口")


@require_perm(VIEW)
def site_income_households(request, pk: int):
    site = _site(request, pk)
    data = site_incomes(request.user, site.region_code)
    row = next((r for r in data.rows if r.site.pk == site.pk), None)
    qs = site_households(request.user, site, data.year)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "employment/site_income_households.html", {
        "site": site, "row": row, "data": data, "page": page, "headers": HOUSEHOLD_HEADERS,
        "items": list(zip([h["household_id"] for h in page], _household_rows(list(page)), strict=True)),
        "kind": RELOCATED_HOUSEHOLD, "ratios": row and [percent(row.prev_province), percent(row.province),
                                                       percent(row.prev_nation), percent(row.nation)]})


@require_POST
@require_perm(VIEW)
def site_income_households_export(request, pk: int):
    site = _site(request, pk)
    data = site_incomes(request.user, site.region_code)
    qs = list(site_households(request.user, site, data.year))
    return list_export(request, ListExport(
        title=f"{site.name}脱贫户人均纯收入", headers=HOUSEHOLD_HEADERS, rows=_household_rows(qs), count=len(qs),
        object_type="employment.site_income_households", filters={"site": site.pk},
        text_columns=frozenset({"区划代码", "户编号"}), region_at=1))
