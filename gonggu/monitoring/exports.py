"""The monitoring list pages as .xlsx (cases, clues, notices, compliance findings), each with its page's filters.

The filters are read exactly as the list views read them (same names, same defaults), from the POST of the
page's export button; the rows come from the same selectors, so region scope and masking are the page's.
"""

from __future__ import annotations

from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.codes import in_scope_q
from gonggu.core.idnumber import mask
from gonggu.regions.exports import ListExport, filters_of, list_export
from gonggu.regions.models import Region
from gonggu.registry.models import Household
from gonggu.rules.words import plain_words

from .deadlines import Clocks
from .models import Clue
from .selectors import case_list, clues_for_user, notice_state, notices_for_user

VIEW = Perm.VIEW_REGISTRY


def _names(codes: set[str]) -> dict[str, str]:
    full = codes | {c[:9].ljust(12, "0") for c in codes}
    return dict(Region.objects.filter(code__in=full).values_list("code", "name"))


def _township(names: dict[str, str], code: str) -> str:
    return names.get(code[:9].ljust(12, "0"), "")


def _clocks(clocks) -> str:
    return "；".join(f"{c.label}：{c.text}" for c in clocks)


@require_POST
@require_perm(VIEW)
def case_list_export(request):
    params = filters_of(request, ("status", "village", "channel", "q"))
    qs = case_list(request.user, status=params["status"], village=params["village"], channel=params["channel"],
                   text=params["q"].strip()).order_by("region_code", "-discovered_on", "-id")
    names = _names(set(qs.values_list("region_code", flat=True).distinct()))
    clocks = Clocks()

    def rows():
        for c in qs.iterator(chunk_size=2000):
            hh = c.household
            yield (_township(names, c.region_code), names.get(c.region_code, ""), c.region_code,
                   hh.household_no if hh else "", hh.head_name if hh else "",
                   c.get_monitoring_type_display() or "", c.risk_types, c.get_channel_display(), c.discovered_on,
                   c.county_approved_on or "", c.get_status_display(), _clocks(clocks.for_case(c)))

    return list_export(request, ListExport(
        title="监测对象", headers=("乡镇", "村", "村代码", "户编号", "户主", "监测类型", "风险类型",
                                 "发现渠道", "发现日期", "县级审批日期", "状态", "时限"),
        rows=rows(), count=qs.count(), object_type="monitoring.case", filters=params,
        text_columns=frozenset({"村代码", "户编号"}), region_at=2))


@require_POST
@require_perm(VIEW)
def clue_list_export(request):
    data = request.POST
    params = {"status": data.get("status", Clue.Status.NEW), "channel": data.get("channel", "")}
    qs = clues_for_user(request.user).select_related("household")
    if params["status"]:
        qs = qs.filter(status=params["status"])
    if params["channel"]:
        qs = qs.filter(channel=params["channel"])
    qs = qs.order_by("region_code", "discovered_on", "id")
    names = _names(set(qs.values_list("region_code", flat=True).distinct()))
    clocks = Clocks()

    def rows():
        for c in qs.iterator(chunk_size=2000):
            hh = c.household
            yield (_township(names, c.region_code), names.get(c.region_code, ""), c.region_code,
                   hh.household_no if hh else "", hh.head_name if hh else c.name, mask(c.id_number) if c.id_number else "",
                   c.get_channel_display(), c.discovered_on, c.risk_types, plain_words(c.difficulty), c.get_status_display(),
                   _clocks(clocks.for_clue(c)))

    return list_export(request, ListExport(
        title="风险线索", headers=("乡镇", "村", "村代码", "户编号", "户主或当事人", "身份证号", "发现渠道", "发现日期",
                                 "风险类型", "困难情况", "状态", "时限"),
        rows=rows(), count=qs.count(), object_type="monitoring.clue", filters=params,
        text_columns=frozenset({"村代码", "户编号", "身份证号"}), region_at=2))


@require_POST
@require_perm(VIEW)
def notice_list_export(request):
    kind = request.POST.get("kind", "")
    qs = notices_for_user(request.user).select_related("village").prefetch_related("objections")
    if kind:
        qs = qs.filter(kind=kind)
    qs = qs.order_by("region_code", "-start_on", "-id")
    names = _names(set(qs.values_list("region_code", flat=True).distinct()))

    def rows():
        for n in qs:
            yield (_township(names, n.region_code), names.get(n.region_code, ""), n.region_code, n.title,
                   n.get_kind_display(), n.start_on, n.end_on or "", notice_state(n).label, len(n.objections.all()))

    return list_export(request, ListExport(
        title="公示公告", headers=("乡镇", "村", "村代码", "标题", "类别", "开始日期", "结束日期", "状态", "异议"),
        rows=rows(), count=qs.count(), object_type="monitoring.notice", filters={"kind": kind},
        text_columns=frozenset({"村代码"}), region_at=2, personal=False))


@require_POST
@require_perm(VIEW)
def compliance_export(request):
    """The findings of the latest stored compliance check, with the page's village and rule filters."""
    from .compliance import compliance_latest

    user = request.user
    village, rule = request.POST.get("village", ""), request.POST.get("rule", "")
    result = compliance_latest(prefix=user.scope_prefix)
    findings = sorted(result.findings if result else [], key=lambda x: (x["region_code"], x["rule"]))
    findings = [x for x in findings if x["region_code"].startswith(village) and (not rule or x["rule"] == rule)]
    codes = {x["region_code"] for x in findings}
    names = _names(codes)
    heads = dict(((h.region_code, h.household_no), h.head_name) for h in Household.objects.filter(
        in_scope_q("region_code", user.scope_prefix), household_no__in={x["household_no"] for x in findings}))
    titles = result.titles if result else {}
    as_of = result.as_of if result else timezone.localdate()

    rows = ((_township(names, x["region_code"]), names.get(x["region_code"], ""), x["region_code"],
             titles.get(x["rule"], x["rule"]), x["household_no"], heads.get((x["region_code"], x["household_no"]), ""),
             mask(x.get("id_number")) if x.get("id_number") else "", plain_words(x["detail"])) for x in findings)
    return list_export(request, ListExport(
        title=f"程序合规检查问题（检查日{as_of:%Y-%m-%d}）",
        headers=("乡镇", "村", "村代码", "问题", "户编号", "户主", "身份证号", "说明"), rows=rows,
        count=len(findings), object_type="monitoring.compliance", filters={"village": village, "rule": rule},
        text_columns=frozenset({"村代码", "户编号", "身份证号"}), region_at=2))
