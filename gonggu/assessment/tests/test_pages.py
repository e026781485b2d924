"""Pages: self-evaluation with drill-down and one-click problems, deductions, 一口清 (print and .docx);
a permission test and an out-of-scope test for each."""

import datetime as dt
import io

import pytest
import time_machine
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonggu.assessment.models import NegativeItem, Problem
from gonggu.core.idnumber import mask

NOW = dt.datetime(2025, 11, 3, 2, tzinfo=dt.UTC)   # 10:00 in Asia/Shanghai
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_county_self_evaluation_with_township_matrix(login, county_admin, county_data, regions):
    page = login(county_admin).get(reverse("assessment_self_region", args=[regions["county"].code])).content.decode()
    assert "中牟县自评" in page and "2025年度巩固拓展脱贫攻坚成果考核指标体系" in page
    assert "脱贫人口和监测对象基本医保参保率" in page and "75.00%" in page and "≥ 99%" in page
    assert "城关镇" in page and "白沙镇" in page                       # the township matrix
    assert "暂无数据" in page                                           # housing list not imported
    assert "重点工作任务分解一览表》（河南省） 成效巩固方面 3" in page                                 # the seed passage behind the target
    assert "2025-11-03" in page


def test_self_evaluation_home_goes_to_own_region(login, village_clerk, regions):
    response = login(village_clerk).get(reverse("assessment_self"))
    assert response["Location"] == reverse("assessment_self_region", args=[regions["village"].code])


def test_drill_from_a_township_failing_figure_to_households(login, township_reviewer, county_data, regions):
    client = login(township_reviewer)
    page = client.get(reverse("assessment_drill", args=[regions["township"].code, "ZERO-EMPLOYMENT"])).content.decode()
    # Household numbers as table cells: a bare "H5" can occur inside the page's random CSRF token.
    cell = '<td data-label="户编号">{}</td>'.format
    assert "零就业家庭" in page and cell("H1") in page and cell("H3") in page and cell("H5") not in page
    assert "未达标" in page and "计算口径" in page and "生成整改问题" in page
    # Persons are shown with masked identity numbers.
    page = client.get(reverse("assessment_drill", args=[regions["village"].code, "MED-ENROLMENT"])).content.decode()
    li_yi = county_data["H1"].members.get(name="李一")
    assert mask(li_yi.id_number) in page and li_yi.id_number not in page


def test_one_click_problem_from_a_figure(login, township_reviewer, county_data, regions):
    client = login(township_reviewer)
    response = client.post(reverse("assessment_problem_from_figure"),
                           {"figure": "ZERO-EMPLOYMENT", "code": regions["township"].code})
    problem = Problem.objects.get()
    assert response["Location"] == reverse("assessment_problem_edit", args=[problem.pk])
    assert problem.source == "自评" and problem.region_code == regions["township"].code
    assert problem.title == "城关镇零就业家庭（脱贫户、监测户）未达标：2 户，目标 动态清零（0 户）"
    assert problem.indicator_code == "4" and problem.figure_code == "ZERO-EMPLOYMENT"
    assert problem.owner_unit == "城关镇党委政府" and problem.deadline == dt.date(2025, 12, 3)
    assert problem.figure_snapshot["value"] == "2 户" and problem.figure_snapshot["data_date"]
    assert "计算口径" in problem.description
    # The edit form shows the deadline in the ISO form a date input understands.
    assert 'value="2025-12-03"' in client.get(response["Location"]).content.decode()
    page = client.get(reverse("assessment_drill", args=[regions["township"].code, "ZERO-EMPLOYMENT"])).content.decode()
    assert f"已有问题 #{problem.pk}" in page


def test_self_evaluation_permissions_and_scope(login, village_clerk, other_county_user, department_user, leader,
                                               county_data, regions):
    clerk = login(village_clerk)
    assert clerk.get(reverse("assessment_self_region", args=[regions["village"].code])).status_code == 200
    assert clerk.get(reverse("assessment_self_region", args=[regions["village_c"].code])).status_code == 404
    assert clerk.get(reverse("assessment_drill", args=[regions["village_c"].code, "MED-ENROLMENT"])).status_code == 404
    assert clerk.get(reverse("assessment_drill", args=[regions["village"].code, "NOPE"])).status_code == 404
    # Viewing is allowed; opening a problem is not (no 考核、整改 permission).
    assert "生成整改问题" not in clerk.get(
        reverse("assessment_drill", args=[regions["village"].code, "MED-ENROLMENT"])).content.decode()
    assert clerk.post(reverse("assessment_problem_from_figure"),
                      {"figure": "MED-ENROLMENT", "code": regions["village"].code}).status_code == 403
    other = login(other_county_user)
    assert other.get(reverse("assessment_self_region", args=[regions["county"].code])).status_code == 404
    assert other.post(reverse("assessment_problem_from_figure"),
                      {"figure": "MED-ENROLMENT", "code": regions["county"].code}).status_code == 404
    assert login(department_user).get(reverse("assessment_self_region", args=[regions["county"].code])).status_code == 200
    assert login(leader).get(reverse("assessment_drill", args=[regions["county"].code, "INCOME-LOW"])).status_code == 200


def test_self_evaluation_query_count_does_not_grow_with_households(login, county_admin, county_data, regions,
                                                                    django_assert_max_num_queries):
    from .factories import household, person

    client = login(county_admin)
    url = reverse("assessment_self_region", args=[regions["county"].code])
    client.get(url)
    with django_assert_max_num_queries(200) as captured:
        client.get(url)
    before = len(captured.captured_queries)
    for i in range(20):
        person(household(regions["village_d"], no=f"X{i}"))
    with django_assert_max_num_queries(200) as captured:
        client.get(url)
    assert len(captured.captured_queries) == before


def xlsx(rows, header=("事项", "类型")):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return SimpleUploadedFile("负面事项.xlsx", buffer.getvalue())


def test_deductions_page_records_and_totals(login, county_admin, regions):
    client = login(county_admin)
    url = reverse("assessment_deductions") + f"?region={regions['county'].code}&year=2025"
    for matter, type_ in (("危房改造不到位", "省委省政府通报批评"), ("危房改造不到位", "考核发现重大突出问题"),
                          ("数据注水", "形式主义官僚主义数据造假"), ("某乡返贫", "规模性返贫")):
        response = client.post(url, {"matter": matter, "type": type_, "region": regions["county"].code, "year": "2025"})
        assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "1.5" in page and "需研究" in page and "降档处理" in page
    # A file: scored only, nothing recorded; then imported with a bad row reported.
    response = client.post(reverse("assessment_deductions_score"), {
        "region": regions["county"].code, "year": "2025",
        "file": xlsx([("事项一", "受到党中央、国务院通报批评"), ("事项一", "主流媒体曝光"), ("事项二", "县里批评")])})
    page = response.content.decode()
    assert "只测算，未登记" in page and "第 4 行" in page and "县里批评" in page
    assert NegativeItem.objects.count() == 4
    response = client.post(url, {"region": regions["county"].code, "year": "2025",
                                 "file": xlsx([("事项三", "主流媒体曝光"), ("事项四", "乱写")])}, follow=True)
    assert "第 3 行" in response.content.decode()
    assert NegativeItem.objects.count() == 5
    item = NegativeItem.objects.get(matter="事项三")
    assert client.post(reverse("assessment_negative_delete", args=[item.pk])).status_code == 302
    assert not NegativeItem.objects.filter(matter="事项三").exists()
    template = client.get(reverse("assessment_deductions_template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"


def test_deductions_file_import_is_a_batch_with_returns(login, county_admin, regions, settings, tmp_path):
    """导入并登记 runs the intake pipeline: a batch with the kept file and checksum, the bad rows as issues and
    a 退回表, dates and sources stored, and the same sheet again records nothing twice."""
    import hashlib

    from python_calamine import CalamineWorkbook

    from gonggu.dataio.models import IntakeBatch

    settings.DATA_DIR = tmp_path
    client = login(county_admin)
    county = regions["county"].code
    url = reverse("assessment_deductions") + f"?region={county}&year=2025"
    upload = xlsx([("事项一", "主流媒体曝光", "2025-05-01", "某通报〔2025〕1号"), ("事项二", "乱写", "", ""),
                   ("事项三", "省委省政府通报批评", "五月", "")], header=("事项", "类型", "发生日期", "出处"))
    content = upload.read()
    upload.seek(0)
    page = client.post(url, {"region": county, "year": "2025", "file": upload}, follow=True).content.decode()
    assert "已登记 1 行" in page and "第 3 行" in page and "第 4 行" in page and "退回表" in page
    batch = IntakeBatch.objects.get(format="assessment.deductions")
    assert (batch.status, batch.region_code, batch.rows, batch.accepted, batch.rejected_rows) == (
        "applied", county, 3, 1, 2)
    assert batch.checksum == hashlib.sha256(content).hexdigest() and batch.created_by == county_admin
    item = NegativeItem.objects.get(matter="事项一")
    assert (item.year, item.region_code, item.type, item.happened_on, item.document) == (
        2025, county, "主流媒体曝光", dt.date(2025, 5, 1), "某通报〔2025〕1号")
    returns = client.post(reverse("intake_returns", args=[batch.pk]))
    assert returns.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(returns.content)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in rows[1:]] == ["事项二", "事项三"] and "乱写" in rows[1][-1] and "原第 4 行" in rows[2][-1]
    detail = client.get(reverse("intake_batch", args=[batch.pk])).content.decode()
    assert "负面事项" in detail
    # The same sheet again: a second batch, nothing recorded twice.
    upload.seek(0)
    page = client.post(url, {"region": county, "year": "2025", "file": upload}, follow=True).content.decode()
    assert "已登记 0 行，1 行此前已登记" in page
    assert NegativeItem.objects.filter(matter="事项一").count() == 1
    # For another year it is recorded again.
    upload.seek(0)
    client.post(reverse("assessment_deductions") + f"?region={county}&year=2024",
                {"region": county, "year": "2024", "file": upload})
    assert NegativeItem.objects.filter(matter="事项一").count() == 2


def test_deductions_format_on_the_intake_pages(login, county_admin, leader, regions):
    assert login(county_admin).get(reverse("intake_format", args=["assessment.deductions"])).status_code == 200
    assert login(leader).get(reverse("intake_format", args=["assessment.deductions"])).status_code == 403


def test_deductions_permissions_and_scope(login, county_admin, township_reviewer, leader, other_county_user, regions):
    client = login(county_admin)
    client.post(reverse("assessment_deductions") + f"?region={regions['county'].code}",
                {"matter": "甲", "type": "主流媒体曝光", "region": regions["county"].code, "year": "2025"})
    item = NegativeItem.objects.get()
    # A leader reads the total but cannot record or delete.
    assert "0.8" in login(leader).get(reverse("assessment_deductions")).content.decode()
    assert login(leader).post(reverse("assessment_deductions"), {"matter": "乙", "type": "主流媒体曝光"}).status_code == 403
    assert login(leader).post(reverse("assessment_negative_delete", args=[item.pk])).status_code == 403
    # Another county: the region and the item look missing.
    other = login(other_county_user)
    assert other.get(reverse("assessment_deductions") + f"?region={regions['county'].code}").status_code == 404
    assert other.post(reverse("assessment_negative_delete", args=[item.pk])).status_code == 404
    # A township reviewer cannot see the county's own items.
    assert login(township_reviewer).post(reverse("assessment_negative_delete", args=[item.pk])).status_code == 404


def test_brief_print_view_and_docx(login, village_clerk, county_data, regions):
    from docx import Document

    client = login(village_clerk)
    page = client.get(reverse("assessment_brief_region", args=[regions["village"].code])).content.decode()
    assert "东村巩固拓展脱贫攻坚成果“一口清”" in page and "打印（A4 一页）" in page
    assert "脱贫户" in page and "人均纯收入" in page and "整改问题" in page
    response = client.get(reverse("assessment_brief_docx", args=[regions["village"].code]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert "东村巩固拓展脱贫攻坚成果“一口清”" in text
    assert ["脱贫户", "2", "5"] in cells and ["合计", "2", "5"] in cells   # 东村: H1 (3 persons) + H2 (2)
    assert "2024 年人均纯收入：10,600 元" in text                          # (33000 + 20000) ÷ 5
    assert "脱贫人口和监测对象基本医保参保率：60.00%（3/5）" in text
    assert "C级、D级危房" in text and "暂无数据" in text                   # no housing list: said, not zero
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_brief_permissions_and_scope(login, village_clerk, other_county_user, leader, regions):
    assert login(village_clerk).get(reverse("assessment_brief_region", args=[regions["village_c"].code])).status_code == 404
    assert login(village_clerk).get(reverse("assessment_brief_docx", args=[regions["village_c"].code])).status_code == 404
    assert login(other_county_user).get(reverse("assessment_brief_region",
                                                args=[regions["county"].code])).status_code == 404
    assert login(leader).get(reverse("assessment_brief_region", args=[regions["county"].code])).status_code == 200
    assert login(village_clerk).get(reverse("assessment_brief"))["Location"] == reverse(
        "assessment_brief_region", args=[regions["village"].code])


def test_anonymous_users_are_sent_to_login(client, regions):
    for name, args in (("assessment_self", []), ("assessment_problems", []), ("assessment_deductions", []),
                       ("assessment_brief", []), ("assessment_indicators", [])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "login" in response["Location"]


def test_drill_export_is_masked_and_audited(login, township_reviewer, leader, county_data, regions):
    from python_calamine import CalamineWorkbook

    from gonggu.core.models import AuditEvent

    url = reverse("assessment_drill_export", args=[regions["township"].code, "MED-ENROLMENT"])
    assert login(township_reviewer).get(url).status_code == 405
    response = login(township_reviewer).post(url)
    assert response.status_code == 200
    data = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    li_yi = county_data["H1"].members.get(name="李一")
    assert data[0][:3] == ["村", "村代码", "户编号"] and len(data) == 3
    assert mask(li_yi.id_number) in [row[5] for row in data] and li_yi.id_number not in str(data)
    assert AuditEvent.objects.filter(action="export", object_type="self_evaluation", object_id="MED-ENROLMENT").exists()
    assert login(leader).post(url).status_code == 403               # no 导出个人信息 permission
    assert login(township_reviewer).post(
        reverse("assessment_drill_export", args=[regions["village_c"].code, "MED-ENROLMENT"])).status_code == 404
