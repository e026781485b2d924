"""The 衔接资金月报 as a workbook and as a Word document (`regions.monthly.tables_docx`), framed for printing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gonggu.dataio.writers import write_xlsx
from gonggu.regions.monthly import tables_docx

from .report import (
    COUNT_COLUMNS,
    SOURCE_COLUMNS,
    SOURCE_RATE,
    TOWNSHIP_COLUMNS,
    TOWNSHIP_RATE,
    FundsReport,
    rate,
)


def cell_text(value) -> str:
    """Amounts with two decimals and thousands separators, as the page and the document print them."""
    return f"{value:,.2f}" if isinstance(value, Decimal) else str(value)


def report_title(report: FundsReport) -> str:
    return f"{report.month.label}衔接资金使用情况月报"


def source_headers() -> list[str]:
    return ["资金级次", *(label for _, label in SOURCE_COLUMNS), SOURCE_RATE]


def township_headers() -> list[str]:
    return ["乡镇", *(label for _, label in TOWNSHIP_COLUMNS), TOWNSHIP_RATE, *(label for _, label in COUNT_COLUMNS)]


def report_sheets(report: FundsReport) -> list[tuple[str, list[str], list[list]]]:
    """(name, headers, rows) of the report's two tables; the last row of each is the total."""
    sources = [[line.name, *line.source_values()] for line in [*report.sources, report.source_total]]
    townships = [[line.name, *line.township_values()] for line in [*report.townships, report.township_total]]
    return [("按资金级次", source_headers(), sources), ("按乡镇", township_headers(), townships)]


def report_summary(report: FundsReport, unit: str) -> str:
    s, t = report.source_total.amounts, report.township_total
    return (f"截至{report.month.label}末，{unit}本年累计下达衔接资金 {s['allocated']:,.2f} 元，预算执行 "
            f"{s['executed']:,.2f} 元，执行率 {rate(s['executed'], s['allocated'])}；项目累计拨付 "
            f"{t.amounts['paid']:,.2f} 元，拨付进度 {rate(t.amounts['paid'], t.amounts['executed'])}。本月下达 "
            f"{s['allocated_month']:,.2f} 元，预算执行 {s['executed_month']:,.2f} 元，拨付 {t.amounts['paid_month']:,.2f} 元；"
            f"开工项目 {t.counts['started']} 个，竣工 {t.counts['completed']} 个，验收 {t.counts['accepted']} 个，"
            f"确权登记资产 {t.counts['registered']} 个。")


def report_xlsx(report: FundsReport, *, unit: str, on: dt.date) -> bytes:
    return write_xlsx(report_sheets(report), title=report_title(report), unit=unit, on=on)


def report_docx(report: FundsReport, *, unit: str, on: dt.date) -> bytes:
    sheets = [(name, headers, [[cell_text(v) for v in row] for row in rows])
              for name, headers, rows in report_sheets(report)]
    return tables_docx(sheets, title=report_title(report), unit=unit, on=on, summary=report_summary(report, unit))
