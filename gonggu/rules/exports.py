"""A rule's findings (the drill-down of the rule page) and the data-quality findings as .xlsx, with the page's
village and rule filters; numbers masked, audited through the one list-export helper."""

from __future__ import annotations

from django.http import Http404
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.errors import NotFoundInScope
from gonggu.core.idnumber import mask
from gonggu.regions.exports import ListExport, list_export
from gonggu.regions.models import Region

from .catalog import CATALOG
from .selectors import quality_findings, rule_findings
from .words import plain_words

HEADERS = ("乡镇", "村", "村代码", "问题", "等级", "户编号", "身份证号", "说明")
GRADES = {"red": "红色", "orange": "橙色", "yellow": "黄色", "info": "提示"}


def _export(request, title: str, qs, filters: dict, object_type: str):
    codes = set(qs.values_list("region_code", flat=True).distinct())
    names = dict(Region.objects.filter(code__in=codes | {c[:9].ljust(12, "0") for c in codes})
                 .values_list("code", "name"))

    def rows():
        for f in qs.iterator(chunk_size=2000):
            rule = CATALOG.rules.get(f.rule)
            yield (names.get(f.region_code[:9].ljust(12, "0"), ""), names.get(f.region_code, ""), f.region_code,
                   rule.title if rule else f.rule, GRADES.get(f.grade, f.grade), f.household_no,
                   mask(f.id_number) if f.id_number else "", plain_words(f.detail))

    return list_export(request, ListExport(
        title=title, headers=HEADERS, rows=rows(), count=qs.count(), object_type=object_type, filters=filters,
        text_columns=frozenset({"村代码", "户编号", "身份证号"}), region_at=2))


@require_POST
@require_perm(Perm.VIEW_REGISTRY, Perm.MANAGE_RULES)
def rule_findings_export(request, code: str):
    rule = CATALOG.rules.get(code)
    if rule is None:
        raise Http404("没有这条规则。")
    village = request.POST.get("village", "")
    try:
        _run, qs = rule_findings(request.user, code, village=village)
    except NotFoundInScope as exc:
        raise Http404(exc.message) from None
    return _export(request, f"{rule.title}（问题清单）", qs, {"rule": code, "village": village}, "rule_findings")


@require_POST
@require_perm(Perm.VIEW_REGISTRY, Perm.MANAGE_RULES)
def quality_findings_export(request):
    rule, village = request.POST.get("rule", ""), request.POST.get("village", "")
    return _export(request, "数据质量问题清单", quality_findings(request.user, rule=rule, village=village),
                   {"rule": rule, "village": village}, "quality_findings")
