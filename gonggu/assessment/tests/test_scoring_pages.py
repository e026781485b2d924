"""The self-evaluation page with 13 indicators and a total, the county's scoring rules (audited, with history),
evidence for items no data shows, the score export and the brief's score section."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonggu.assessment.models import ItemEvidence, NegativeItem, ScoringRule
from gonggu.core.models import AuditEvent

NOW = dt.datetime(2025, 11, 3, 2, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield


def page_of(client, region) -> str:
    return client.get(reverse("assessment_self_region", args=[region.code])).content.decode()


def test_thirteen_indicators_with_items_and_a_total(login, county_admin, county_data, regions):
    page = page_of(login(county_admin), regions["county"])
    for code, name in ((1, "主体责任"), (3, "帮扶产业发展"), (6, "扶志扶智"), (8, "补助资金"), (10, "规模性返贫"),
                       (12, "认可度")):
        assert f'id="ind-{code}"' in page and name in page
    assert "13. 扣分项" in page and "总分（满分 100.00）" in page
    # An evidence item, a findings item with no run yet, the risk item read from its rule's (absent) run.
    assert "党委政府研究部署" in page and "待上传佐证" in page and "上传佐证" in page
    assert "尚未运行规则" in page
    assert "整乡整村返贫致贫风险研判" in page and "存在整乡整村返贫致贫风险的村、乡镇" in page
    assert "失分最多的内容项" in page
    # Townships are compared by their total.
    assert page.count('class="num child-total"') == 2


def test_scoring_rules_edit_is_audited_with_history(login, county_admin, township_reviewer, county_data, regions):
    client = login(county_admin)
    url = reverse("assessment_scoring_rules") + f"?region={regions['county'].code}"
    form = {"points_2": "20", "method_2": "all", "note_2": "县委常委会确定"}
    response = client.post(url, form)
    assert response.status_code == 302
    rule = ScoringRule.objects.get()
    assert (rule.county_code, rule.year, rule.indicator_code, rule.points, rule.method) == (
        "410122000000", 2025, "2", 20, "all")
    event = AuditEvent.objects.get(object_type="scoring_rule")
    assert event.action == AuditEvent.Action.PARAM and event.detail["changes"][0]["indicator"] == "2"
    client.post(url, {**form, "points_2": "15"})
    assert rule.history.count() == 2 and AuditEvent.objects.filter(object_type="scoring_rule").count() == 2
    # Saving unchanged rows changes nothing and logs nothing.
    client.post(url, {**form, "points_2": "15"})
    assert AuditEvent.objects.filter(object_type="scoring_rule").count() == 2
    page = client.get(url).content.decode()
    assert "修改记录" in page and "county_admin" in page and "内容项全部达标得满分" in page
    assert 'name="points_2" value="15.00"' in page
    assert "本县评分规则" in page_of(client, regions["county"])
    bad = client.post(url, {"points_3": "很多"}, follow=True).content.decode()
    assert "指标3的分值“很多”不是数字" in bad
    # A township user sees the rules but cannot change them.
    township = login(township_reviewer)
    own = reverse("assessment_scoring_rules")
    assert township.post(own, form).status_code == 403
    assert "评分规则由县级考核管理员设定" in township.get(own).content.decode()
    assert township.get(url).status_code == 404          # the county itself is above the township's scope


def test_evidence_for_an_item_counts_for_the_county_and_its_townships(login, county_admin, county_data, regions):
    client = login(county_admin)
    url = reverse("assessment_item_evidence", args=[regions["county"].code])
    minutes = SimpleUploadedFile("纪要.txt", "县委常委会研究部署巩固拓展脱贫攻坚成果工作。".encode())
    client.post(url, {"item": "1-1", "title": "县委常委会会议纪要", "happened_on": "2025-03-12", "file": minutes})
    evidence = ItemEvidence.objects.get()
    assert (evidence.item_key, evidence.entered_by, evidence.happened_on) == ("1-1", county_admin, dt.date(2025, 3, 12))
    assert AuditEvent.objects.filter(object_type="item_evidence", action=AuditEvent.Action.CREATE).exists()
    for region in (regions["county"], regions["township"]):
        page = page_of(client, region)
        assert "县委常委会会议纪要" in page and "2025-03-12" in page
    download = client.get(reverse("assessment_item_evidence_file", args=[evidence.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    # Content is checked like every upload; an item computed from data takes no evidence.
    fake = SimpleUploadedFile("纪要.pdf", b"\x00\x01\x02binary" * 50)
    page = client.post(url, {"item": "1-3", "title": "纪要", "happened_on": "2025-03-12", "file": fake},
                       follow=True).content.decode()
    assert ItemEvidence.objects.count() == 1 and "纪要.pdf" in page
    note = SimpleUploadedFile("a.txt", "说明".encode())
    page = client.post(url, {"item": "2-1", "title": "x", "happened_on": "2025-03-12", "file": note},
                       follow=True).content.decode()
    assert "由数据测算，不需要上传佐证" in page and ItemEvidence.objects.count() == 1
    # Removing evidence is audited too; the item is then waiting for evidence again.
    client.post(reverse("assessment_item_evidence_delete", args=[evidence.pk]))
    assert not ItemEvidence.objects.exists()
    assert AuditEvent.objects.filter(object_type="item_evidence", action=AuditEvent.Action.DELETE).exists()


def test_evidence_out_of_scope(login, other_county_user, county_admin, regions):
    url = reverse("assessment_item_evidence", args=[regions["county"].code])
    note = SimpleUploadedFile("a.txt", "说明".encode())
    response = login(other_county_user).post(url, {"item": "1-1", "title": "x", "happened_on": "2025-03-12",
                                                   "file": note})
    assert response.status_code == 404 and not ItemEvidence.objects.exists()


def test_deductions_are_subtracted_and_the_score_exports(login, county_admin, county_data, regions):
    from python_calamine import CalamineWorkbook

    NegativeItem.objects.create(year=2025, region_code=regions["county"].code, matter="某村危房改造不到位",
                                type="省委省政府通报批评")
    client = login(county_admin)
    page = page_of(client, regions["county"])
    assert "−0.80" in page
    response = client.post(reverse("assessment_self_export", args=[regions["county"].code]))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name("内容项得分").to_python()
    assert rows[0] == ["指标", "内容项", "方式", "状态", "分值", "得分", "达标后可增加"]
    assert rows[-2][0] == "扣分项（指标13）" and rows[-2][5] == -0.8 and rows[-1][0] == "总分"
    assert [r[0] for r in book.get_sheet_by_name("下辖区划得分").to_python()][1:] == ["城关镇", "白沙镇"]
    assert AuditEvent.objects.filter(object_type="self_evaluation_score", action=AuditEvent.Action.EXPORT).exists()


def test_brief_has_the_total_and_each_indicator(login, county_admin, county_data, regions):
    from docx import Document

    client = login(county_admin)
    page = client.get(reverse("assessment_brief_region", args=[regions["county"].code])).content.decode()
    assert "七、考核自评得分" in page and "未达标或缺佐证的内容项" in page
    doc = Document(io.BytesIO(client.get(reverse("assessment_brief_docx", args=[regions["county"].code])).content))
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    names = [row[0] for row in cells if row and row[0][:2].rstrip(".").isdigit()]
    assert len([n for n in names if n.split(".")[0].isdigit()]) == 13
    assert any(row[0] == "合计" and row[1] == "100.00" for row in cells)
