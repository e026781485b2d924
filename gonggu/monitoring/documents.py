"""Public notice documents (公示/公告): a .docx for printing and posting, with names and masked identity numbers."""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gonggu.core.idnumber import mask
from gonggu.dataio.printing import frame_document
from gonggu.registry.choices import PersonStatus, Relation

from .models import Notice


@dataclass
class NoticeLine:
    no: int
    head_name: str
    id_masked: str
    size: int
    monitoring_type: str
    risk_types: str


def notice_lines(notice: Notice) -> list[NoticeLine]:
    """One line per listed household: the head's name and masked number, household size, type and risks."""
    from django.db.models import Count, Q

    cases = list(notice.cases.select_related("household").annotate(
        size=Count("household__members", filter=Q(household__members__status=PersonStatus.ACTIVE))
    ).order_by("household__household_no"))
    from gonggu.registry.models import Person

    heads = dict(Person.objects.filter(household_id__in=[c.household_id for c in cases], relation=Relation.HEAD,
                                       status=PersonStatus.ACTIVE).values_list("household_id", "id_number"))
    # A household whose case was reopened can stand on a notice with two cases; the list names it once
    # (its latest case: the current monitoring type and risks).
    latest: dict[int, object] = {}
    for c in cases:
        if c.household_id not in latest or c.pk > latest[c.household_id].pk:
            latest[c.household_id] = c
    once = [c for c in cases if latest[c.household_id] is c]
    return [NoticeLine(i, c.household.head_name, mask(heads.get(c.household_id, "")), c.size,
                       c.monitoring_type or "—", c.risk_types or "—") for i, c in enumerate(once, start=1)]


def notice_body(notice: Notice) -> str:
    if notice.kind == Notice.Kind.IDENT_NOTICE:
        what = "经农户申请（或排查发现）、入户核实、信息比对和村级综合研判，以下农户拟纳入防止返贫监测对象"
    elif notice.kind == Notice.Kind.ELIM_NOTICE:
        what = "经入户核查和村级综合研判，以下监测对象收入稳定超过监测范围，“三保障”和饮水安全持续巩固，拟标注风险消除"
    elif notice.kind == Notice.Kind.NOLABOUR_NOTICE:
        what = "经入户核查和村级初选，以下监测户拟认定为整户无劳动能力兜底保障户"
    elif notice.kind == Notice.Kind.IDENT_ANNOUNCE:
        return "经县级审批，以下农户已纳入防止返贫监测对象，现予公告。"
    else:
        return "经县级审批，以下监测对象已标注风险消除，现予公告。"
    period = f"公示期为 {notice.start_on:%Y年%m月%d日} 至 {notice.end_on:%Y年%m月%d日}（{notice.days} 天）"
    contact = f"，联系电话：{notice.contact}" if notice.contact else ""
    return (f"{what}，现予公示。{period}。公示期间如有异议，请以书面或口头形式向村民委员会或乡（镇）人民政府反映"
            f"{contact}。")


HEADERS = ("序号", "户主姓名", "身份证号", "家庭人口", "监测对象类型", "风险类型")


def notice_docx(notice: Notice) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(12)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(notice.title)
    run.bold = True
    run.font.size = Pt(18)
    doc.add_paragraph(notice_body(notice))
    lines = notice_lines(notice)
    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = text
    for line in lines:
        cells = table.add_row().cells
        for cell, value in zip(cells, (line.no, line.head_name, line.id_masked, line.size, line.monitoring_type,
                                       line.risk_types), strict=True):
            cell.text = str(value)
    doc.add_paragraph(f"共 {len(lines)} 户。")
    frame_document(doc, title=notice.title, unit=notice.issuer, on=notice.start_on)
    sign = doc.add_paragraph(notice.issuer)
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    date = doc.add_paragraph(f"{notice.start_on:%Y年%m月%d日}")
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
