"""The county's changes to scoring: scoring rules per indicator and evidence for content items.
Each is atomic, audited, and kept with its history (simple_history on the models)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from gonggu.core.audit import audit_log
from gonggu.core.codes import code_in_prefix
from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.core.uploads import EVIDENCE, stored_name, upload_save

from ..models import ItemEvidence, ScoringRule
from ..selectors import county_code_of
from .items import ITEMS
from .score import METHODS

A = AuditEvent.Action


def _county(user) -> str:
    county = county_code_of(user.scope_prefix)
    if county is None or (user.scope_prefix is not None and len(user.scope_prefix) > 6):
        raise UserFacingError("评分规则由县级管理员设定。")
    return county


@transaction.atomic
def scoring_rules_save(*, user, year: int, rows: dict[str, dict[str, str]], county_code: str | None = None) -> int:
    """Save the county's rules for `year`: rows maps an indicator code to points (blank = the system's),
    method and nodata_excluded. Returns how many rules changed."""
    county = county_code or _county(user)
    if user.scope_prefix is not None and county[:6] != user.scope_prefix[:6]:
        raise NotFoundInScope("县")
    changed = []
    for code, row in rows.items():
        raw = (row.get("points") or "").strip()
        try:
            points = Decimal(raw) if raw else None
        except InvalidOperation:
            raise UserFacingError(f"指标{code}的分值“{raw}”不是数字。") from None
        if points is not None and not Decimal(0) <= points <= Decimal(1000):
            raise UserFacingError(f"指标{code}的分值应在 0 到 1000 之间。")
        method = row.get("method") or "share"
        if method not in METHODS:
            raise UserFacingError(f"指标{code}的计分方法“{method}”不存在。")
        nodata_excluded = row.get("nodata_excluded") in ("1", "on", "true", True)
        note = (row.get("note") or "").strip()[:300]
        rule = ScoringRule.objects.filter(county_code=county, year=year, indicator_code=code).first()
        before = None if rule is None else (rule.points, rule.method, rule.nodata_excluded, rule.note)
        if before == (points, method, nodata_excluded, note):
            continue
        if rule is None:
            if points is None and method == "share" and not nodata_excluded and not note:
                continue
            rule = ScoringRule(county_code=county, year=year, indicator_code=code)
        rule.points, rule.method, rule.nodata_excluded, rule.note = points, method, nodata_excluded, note
        rule.save()
        changed.append({"indicator": code, "points": raw, "method": method, "nodata_excluded": nodata_excluded,
                        "before": None if before is None else [str(before[0] or ""), *before[1:]]})
    if changed:
        audit_log(user=user, action=A.PARAM, object_type="scoring_rule", object_id=f"{county}:{year}",
                  region_code=county, summary=f"修改 {year} 年度评分规则（{len(changed)} 项指标）",
                  detail={"changes": changed})
    return len(changed)


@transaction.atomic
def item_evidence_add(*, user, region, year: int, item_key: str, title: str, happened_on: dt.date | None,
                      uploaded) -> ItemEvidence:
    item = ITEMS.get(item_key)
    if item is None or not item.is_evidence:
        raise UserFacingError("该内容项由数据测算，不需要上传佐证。")
    if not code_in_prefix(region.code, user.scope_prefix):
        raise NotFoundInScope("行政区划")
    if happened_on is None:
        raise UserFacingError("请填写材料日期（会议召开或文件印发日期）。")
    if not title.strip():
        raise UserFacingError("请填写材料名称（如会议纪要、文件标题）。")
    path, digest = upload_save(uploaded, kind="assessment-evidence", accept=EVIDENCE)
    evidence = ItemEvidence.objects.create(
        region_code=region.code, year=year, item_key=item_key, title=title.strip()[:200], happened_on=happened_on,
        path=stored_name(path), name=uploaded.name[:200], sha256=digest, size=uploaded.size, entered_by=user)
    audit_log(user=user, action=A.CREATE, object_type="item_evidence", object_id=evidence.pk,
              region_code=region.code, summary=f"上传佐证：{region.name} 指标{item.indicator}「{item.title}」{evidence.title}")
    return evidence


@transaction.atomic
def item_evidence_delete(*, user, evidence: ItemEvidence) -> None:
    if not code_in_prefix(evidence.region_code, user.scope_prefix):
        raise NotFoundInScope("佐证材料")
    audit_log(user=user, action=A.DELETE, object_type="item_evidence", object_id=evidence.pk,
              region_code=evidence.region_code, summary=f"删除佐证：{evidence.title}")
    evidence.delete()
