"""The 月报 as a workbook and as a Word document (`regions.monthly.tables_docx`), framed for printing."""

from __future__ import annotations

import datetime as dt

from gonggu.dataio.writers import write_xlsx
from gonggu.regions.monthly import tables_docx

from .report import COUNT_COLUMNS, MonthlyReport

TOWNSHIP = "乡镇"


def report_title(report: MonthlyReport) -> str:
    return f"{report.month.label}防止返贫监测帮扶月报"


def _count_table(report: MonthlyReport):
    headers = [TOWNSHIP, *(label for _, label in COUNT_COLUMNS)]
    rows = [[r.name, *r.values] for r in [*report.rows, report.total]]
    return headers, rows


def _breakdown(report: MonthlyReport, kinds: list[str], attr: str, empty: str):
    headers = [TOWNSHIP, *(kinds or [empty])]
    rows = [[r.name, *(getattr(r, attr).get(k, 0) for k in kinds or [empty])] for r in [*report.rows, report.total]]
    return headers, rows


def report_sheets(report: MonthlyReport) -> list[tuple[str, list[str], list[list]]]:
    """(name, headers, rows) of the report's three tables; the last row of each is the county total."""
    counts = _count_table(report)
    risks = _breakdown(report, report.risk_types, "risks", "无新识别")
    measures = _breakdown(report, report.measure_types, "measure_types", "无新措施")
    return [("主要指标", *counts), ("新识别对象风险类型（户）", *risks), ("新落实帮扶措施类别（项）", *measures)]


def report_xlsx(report: MonthlyReport, *, unit: str, on: dt.date) -> bytes:
    return write_xlsx(report_sheets(report), title=report_title(report), unit=unit, on=on)


def report_docx(report: MonthlyReport, *, unit: str, on: dt.date) -> bytes:
    t = report.total.counts
    summary = (f"{report.month.label}，{unit}新识别监测对象 {t['new']} 户，月末在监测 {t['current']} 户，"
               f"风险消除 {t['eliminated']} 户；新落实帮扶措施 {t['measures']} 项，入户走访 {t['visits']} 次；"
               f"部门筛查预警 {t['warnings']} 条，核实办结 {t['warnings_handled']} 条。")
    return tables_docx(report_sheets(report), title=report_title(report), unit=unit, on=on, summary=summary)
