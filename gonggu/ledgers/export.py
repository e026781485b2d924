"""A ledger's list as .xlsx, with the list page's filters, in the kind's own import columns.

Identity numbers are masked (the export reads back as a report, not as an import); the export is audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from gonggu.core.access import Perm
from gonggu.core.audit import audit_log
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import mask
from gonggu.dataio.writers import write_xlsx

from .kinds import LedgerKind, Match
from .selectors import LedgerFilters, ledger_rows_for_user


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def ledger_export(*, user, kind: LedgerKind, filters: LedgerFilters, request=None) -> tuple[bytes, str, int]:
    if not user.has_perm_code(Perm.EXPORT_PERSONAL):
        raise UserFacingError("你没有导出个人信息的权限。")
    rows = ledger_rows_for_user(user, kind, filters)
    match = [c.name for c in kind.match_columns()]
    headers = [*match, *(c.name for c in kind.columns), "所在村代码"]
    masked = kind.masked_fields
    text_columns = {"身份证号", "行政区划代码", "所在村代码", *(c.name for c in kind.columns if c.key in masked)}

    def lines():
        for row in rows.iterator(chunk_size=2000):
            if kind.match == Match.REGION:
                head = [row.region_code]
            else:
                head = [mask(row.id_number), kind.who(row)]
            yield [*head, *(mask(getattr(row, c.key)) if c.key in masked else _cell(getattr(row, c.key))
                            for c in kind.columns), row.region_code]

    content = write_xlsx([(kind.title, headers, lines())], text_columns=text_columns)
    count = rows.count()
    audit_log(user=user, request=request, action="export", object_type=kind.table,
              region_code=user.region.code if user.region is not None else "",
              summary=f"导出{kind.title}（{count} 条，身份证号脱敏）", detail={"filters": filters.as_query()})
    return content, f"{kind.title}_{timezone.localdate():%Y%m%d}.xlsx", count
