"""The printable 项目库公告 (.docx): the projects a region entered into the library in a year, with their
type, funds and 联农带农 mechanism — no personal data. Title, issuing unit, date and page numbers."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gonggu.dataio.printing import add_table, frame_document

HEADERS = ("序号", "项目编号", "项目名称", "所在地", "项目类型", "计划资金（元）", "联农带农机制", "绩效目标")


def library_notice_docx(*, title: str, unit: str, on, place: str, rows: list[tuple]) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(11)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(18)
    doc.add_paragraph(
        "根据巩固拓展脱贫攻坚成果和乡村振兴项目库管理要求，经村级申报、乡镇和县级审核论证，以下项目已纳入项目库，"
        f"现予公告公示（公示地点：{place or '村务公开栏'}），接受群众监督。如有意见，请向乡（镇）人民政府或县乡村振兴局反映。")
    add_table(doc, HEADERS, [(i, *row) for i, row in enumerate(rows, start=1)])
    doc.add_paragraph(f"共 {len(rows)} 个项目。")
    for text in (unit, f"{on:%Y年%m月%d日}"):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    frame_document(doc, title=title, unit=unit, on=on, landscape=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
