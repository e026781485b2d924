"""The one list-export helper: a title and unit above the header, print framing (title, unit, date, page
numbers), one sheet per township past the sheet limit, the export right and the audit."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from python_calamine import CalamineWorkbook

from gonggu.core.models import AuditEvent
from gonggu.regions.exports import ListExport, list_export, list_workbook

pytestmark = pytest.mark.django_db


def _spec(rows, **extra):
    return ListExport(title="测试清单", headers=("村", "村代码", "户编号"), rows=iter(rows), count=len(rows),
                      object_type="test_list", filters={"status": "待核实", "q": ""},
                      text_columns=frozenset({"村代码", "户编号"}), region_at=1, **extra)


def _sheets(content: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_beyond_the_sheet_limit_each_township_gets_its_own_sheet(regions, county_admin):
    rows = [("东村", "410122100201", f"H{i}") for i in range(3)] + [("南村", "410122101201", f"H{i}") for i in range(2)]
    content = list_workbook(_spec(rows), user=county_admin, sheet_limit=4)
    sheets = _sheets(content)
    assert list(sheets) == ["城关镇", "白沙镇"]
    first = sheets["城关镇"]
    assert first[0][0] == "测试清单" and first[1][0].startswith("中牟县　导出日期：")
    assert first[2] == ["村", "村代码", "户编号"]
    assert [r[2] for r in first[3:]] == ["H0", "H1", "H2"]
    assert [r[2] for r in sheets["白沙镇"][3:]] == ["H0", "H1"]
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
        book_xml = z.read("xl/workbook.xml").decode()
    # Printed: unit left, title centre, date right on every page; page n of m below; header rows repeated.
    assert "&amp;L中牟县" in sheet_xml and "测试清单" in sheet_xml and "第 &amp;P 页 共 &amp;N 页" in sheet_xml
    assert "_xlnm.Print_Titles" in book_xml and "$1:$3" in book_xml
    assert 'orientation="landscape"' in sheet_xml and 'paperSize="9"' in sheet_xml


def test_within_the_limit_one_sheet_named_after_the_list(regions, county_admin):
    rows = [("东村", "410122100201", "H1"), ("南村", "410122101201", "H2")]
    sheets = _sheets(list_workbook(_spec(rows), user=county_admin))
    assert list(sheets) == ["测试清单"] and len(sheets["测试清单"]) == 5


def test_export_is_audited_and_needs_the_export_right(regions, county_admin, leader):
    request = RequestFactory().post("/x/")
    request.user = county_admin
    response = list_export(request, _spec([("东村", "410122100201", "H1")]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    event = AuditEvent.objects.get(object_type="test_list")
    assert event.action == "export" and "1 条" in event.summary and "脱敏" in event.summary
    assert event.detail == {"filters": {"status": "待核实"}}

    request.user = leader   # reads everything, exports no personal lists
    with pytest.raises(PermissionDenied):
        list_export(request, _spec([]))
    # Statistics without personal data need no export right.
    assert list_export(request, _spec([], personal=False)).status_code == 200
