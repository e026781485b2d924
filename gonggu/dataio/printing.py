"""Print framing shared by every workbook and Word document the platform hands out.

A county office prints what it exports: each page carries the title, the issuing unit, the date and
"第 n 页 共 m 页", so a loose page still says what it is. Workbooks (xlsxwriter) and documents (python-docx)
get the same frame from here; nothing else sets headers or footers.
"""

from __future__ import annotations

import datetime as dt

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt


def _xlsx_text(text: str) -> str:
    return text.replace("&", "&&")  # & starts a control code in Excel's header/footer language


def frame_worksheet(ws, *, title: str, unit: str = "", on: dt.date | None = None, header_rows: int = 1,
                    landscape: bool = True) -> None:
    """A4, fitted to the page width, header rows repeated, title/unit/date on top and page numbers below."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.7)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    date_text = f"{on:%Y-%m-%d}" if on else ""
    # Header/footer text is limited to 255 characters by Excel; titles are cut, never the page numbers.
    ws.set_header(f"&L{_xlsx_text(unit)[:60]}&C&\"SimSun,Bold\"{_xlsx_text(title)[:100]}&R{date_text}")
    ws.set_footer("&C第 &P 页 共 &N 页")


def _field(run, code: str) -> None:
    for tag, text in (("begin", None), (None, code), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def frame_document(doc, *, title: str, unit: str = "", on: dt.date | None = None, landscape: bool = False) -> None:
    """Every section of a python-docx document: A4, Chinese body font, unit · title · date header, page numbers."""
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
        header = section.header.paragraphs[0]
        header.text = "　".join(t for t in (unit, title, f"{on:%Y年%m月%d日}" if on else "") if t)
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in header.runs:
            run.font.size = Pt(9)
        footer = section.footer.paragraphs[0]
        footer.text = ""
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("第 ")
        _field(footer.add_run(), "PAGE")
        footer.add_run(" 页 共 ")
        _field(footer.add_run(), "NUMPAGES")
        footer.add_run(" 页")


def add_table(doc, headers, rows, *, style: str = "Table Grid"):
    """A table of `headers` and `rows` (any values, printed as text), its header row repeated on every page.

    All rows are made at once and each cell's text written as one run into its empty paragraph: python-docx's
    `add_row().cells` and `cell.text` take seconds for a county's thousand projects."""
    from lxml import etree

    w_r, w_t = qn("w:r"), qn("w:t")
    space = "{http://www.w3.org/XML/1998/namespace}space"
    rows = list(rows)
    table = doc.add_table(rows=len(rows) + 1, cols=len(headers))
    table.style = style
    trs = table._tbl.tr_lst
    trs[0].get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for tr, values in zip(trs, [headers, *rows], strict=True):
        for tc, value in zip(tr.tc_lst, values, strict=True):
            t = etree.SubElement(etree.SubElement(tc.p_lst[0], w_r), w_t)
            t.text = str(value)
            t.set(space, "preserve")
    return table
