"""One way to hand a list page out as .xlsx: the page's own filtered rows, framed for printing, audited.

Every list page (warnings, statistics, cases, clues, findings, task boards …) calls `list_export` with the
rows its selector returned for the user — so the export has the page's region scope and filters by
construction. Identity numbers are masked by the caller's row function, as on the page; the audit says so.
A list longer than one worksheet holds is written one sheet per township (乡镇), each split again only if
one township alone exceeds the limit.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone

from gonggu.core.access import Perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import Level
from gonggu.dataio.responses import xlsx_response
from gonggu.dataio.writers import MAX_ROWS, write_xlsx

from .models import Region

TOWNSHIP_DIGITS = 9


@dataclass(frozen=True)
class ListExport:
    title: str                         # the page's title: sheet, print header and file name
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]   # already masked; ordered by region code when `region_at` is set
    count: int
    object_type: str                   # what the audit names
    filters: dict
    text_columns: frozenset[str] = frozenset()
    region_at: int | None = None       # index of the region-code column, for the split by township
    personal: bool = True              # names and (masked) identity numbers: needs the export right
    sheets: Sequence | None = None     # several tables of one page: (sheet name, headers, rows) each


def unit_name(user) -> str:
    region = getattr(user, "region", None)
    return region.name if region is not None else "全部区划"


def _by_township(spec: ListExport, names: dict[str, str]):
    used: set[str] = set()
    for prefix, rows in itertools.groupby(spec.rows, key=lambda r: str(r[spec.region_at])[:TOWNSHIP_DIGITS]):
        name = names.get(prefix, prefix or "未分乡镇")
        if name in used:   # two counties of a province may each have a 城关镇: the code tells them apart
            name = f"{name}{prefix}"
        used.add(name)
        yield name, spec.headers, rows


def list_workbook(spec: ListExport, *, user, sheet_limit: int = MAX_ROWS - 2) -> bytes:
    on = timezone.localdate()
    if spec.sheets is not None:
        sheets: Iterable = spec.sheets
    elif spec.region_at is not None and spec.count > sheet_limit:
        names = {r.code[:TOWNSHIP_DIGITS]: r.name for r in Region.objects.filter(level=Level.TOWNSHIP)}
        sheets = _by_township(spec, names)
    else:
        sheets = [(spec.title, spec.headers, spec.rows)]
    return write_xlsx(sheets, text_columns=set(spec.text_columns), title=spec.title, unit=unit_name(user), on=on,
                      max_rows=sheet_limit)


def list_export(request, spec: ListExport) -> HttpResponse:
    user = request.user
    if spec.personal and not user.has_perm_code(Perm.EXPORT_PERSONAL):
        raise PermissionDenied
    content = list_workbook(spec, user=user)
    audit_log(request=request, action="export", object_type=spec.object_type,
              region_code=user.region.code if user.region is not None else "",
              summary=f"导出{spec.title}（{spec.count} 条{'，身份证号脱敏' if spec.personal else ''}）",
              detail={"filters": {k: v for k, v in spec.filters.items() if v not in ("", None)}})
    return xlsx_response(content, f"{spec.title}_{timezone.localdate():%Y%m%d}.xlsx")


def filters_of(request, names: Sequence[str]) -> dict[str, str]:
    """The list page's filters: read from the query string of the page or the POST of its export button."""
    data = request.POST if request.method == "POST" else request.GET
    return {n: data.get(n, "") for n in names}


