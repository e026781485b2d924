"""What every monthly report (月报) shares: the month a user chooses, the townships of their region a report has
a row for, the report as a Word document of its tables, and the audited download of its .xlsx and .docx.

The monitoring 月报 (`monitoring/report*.py`) and the 衔接资金月报 (`funds/report*.py`) are built on it, so a
month is parsed, a township named and a download logged the same way in both.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

from gonggu.core.audit import audit_log
from gonggu.core.codes import Level, in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.dataio.printing import add_table, frame_document
from gonggu.dataio.responses import xlsx_response

from .exports import unit_name
from .models import Region

TOWNSHIP_DIGITS = 9
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Sheet = tuple[str, Sequence[str], Sequence[Sequence[object]]]


@dataclass(frozen=True)
class Month:
    first: dt.date
    last: dt.date

    @property
    def label(self) -> str:
        return f"{self.first.year}年{self.first.month}月"

    @property
    def param(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def year_first(self) -> dt.date:
        return dt.date(self.first.year, 1, 1)


def parse_month(text: str | None, *, today: dt.date | None = None) -> Month:
    """`2025-03` → that month; empty → the current month; anything else → a Chinese message naming the field."""
    text = (text or "").strip()
    if not text:
        today = today or timezone.localdate()
        text = f"{today:%Y-%m}"
    m = MONTH_RE.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise UserFacingError(f"月份“{text}”格式不对，应为“年-月”，例如 2025-03。")
    year, month = int(m.group(1)), int(m.group(2))
    return Month(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))


def report_townships(prefix: str | None) -> list[Region]:
    """The townships a report of region `prefix` has a row for (a village user: their own township)."""
    qs = Region.objects.filter(level=Level.TOWNSHIP)
    if prefix is not None and len(prefix) > TOWNSHIP_DIGITS:
        qs = qs.filter(prefix=prefix[:TOWNSHIP_DIGITS])
    else:
        qs = qs.filter(in_scope_q("code", prefix))
    return list(qs.order_by("code"))


def tables_docx(sheets: Sequence[Sheet], *, title: str, unit: str, on: dt.date, summary: str) -> bytes:
    """A report as a Word document: the title, one paragraph saying the main figures, then each table."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    frame_document(doc, title=title, unit=unit, on=on, landscape=True)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(18)
    doc.add_paragraph(summary)
    for name, headers, rows in sheets:
        doc.add_paragraph().add_run(name).bold = True
        add_table(doc, headers, rows)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def report_download(request, *, kind: str, month: Month, title: str, object_type: str,
                    xlsx: Callable[[str, dt.date], bytes], docx: Callable[[str, dt.date], bytes]) -> HttpResponse:
    """The report's .xlsx or .docx under the user's unit name, the download logged."""
    user, on = request.user, timezone.localdate()
    unit = unit_name(user)
    audit_log(request=request, action="export", object_type=object_type,
              region_code=user.region.code if user.region is not None else "",
              summary=f"下载{title}（{'Excel' if kind == 'xlsx' else 'Word'}）", detail={"month": month.param})
    if kind == "xlsx":
        return xlsx_response(xlsx(unit, on), f"{unit}{title}.xlsx")
    response = HttpResponse(docx(unit, on), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{unit}{title}.docx')}"
    return response
