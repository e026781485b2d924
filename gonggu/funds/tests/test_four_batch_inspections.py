"""四个一批 in the project library (import, export, rule and its stored findings) and the quarterly fund
inspections (ledger import, rule), on the real database."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.core.errors import UserFacingError
from gonggu.dataio.intake import intake_run
from gonggu.funds.models import FundInspection, Project
from gonggu.funds.selectors import rule_figures
from gonggu.rules.engine import run_rules
from gonggu.rules.models import Finding

from .factories import allocation, classified, inspection

pytestmark = pytest.mark.django_db
HEAD = ("行政区划代码,项目编号,项目名称,项目年度,项目类型,中央衔接资金（元）,绩效目标,申报日期,审核论证日期,入库日期,"
        "公告公示日期,纳入年度计划日期,开工日期,竣工日期,四个一批分类,分类日期,分类认定单位,分类依据")
STEPS = "2023-01-10,2023-01-20,2023-02-01,2023-02-05,2023-03-01,2023-04-01"


def _csv(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_classification_is_imported_with_the_library_and_checked(regions, county_admin, tmp_path):
    v = regions["village"].code
    path = _csv(tmp_path, "项目库.csv", [
        HEAD,
        f"{v},XM-1,食用菌大棚,2023,产业发展,1000,带动 10 户,{STEPS},2023-10-01,盘活一批,2025-03-01,县农业农村局,大棚闲置",
        f"{v},XM-2,通村道路,2023,基础设施,1000,道路 2 公里,{STEPS},2023-10-01,巩固,2025-03-01,县交通局,正常",
        f"{v},XM-3,冷库,2023,产业发展,1000,带动 10 户,{STEPS},2023-10-01,升级,,县农业农村局,扩大规模",
        f"{v},XM-4,花椒基地,2023,产业发展,1000,带动 10 户,{STEPS},,调整,2025-03-01,县农业农村局,市场变化",
        f"{v},XM-5,养殖场,2023,产业发展,1000,带动 10 户,{STEPS},2023-10-01,巩固,2023-09-30,县农业农村局,正常",
        f"{v},XM-6,蔬菜大棚,2023,产业发展,1000,带动 10 户,{STEPS},2023-10-01,,,,",
    ])
    result = intake_run("ledger.project", path=path, user=county_admin)
    reasons = {p.row: p.reason for p in result.rejected}
    assert "只适用于产业发展类项目" in reasons[3]
    assert "缺少分类日期" in reasons[4]
    assert "尚未竣工" in reasons[5]
    assert "分类日期（2023-09-30）早于竣工日期（2023-10-01）" in reasons[6]
    assert set(reasons) == {3, 4, 5, 6}
    p = Project.objects.get(project_no="XM-1")
    assert (p.four_batch, p.four_batch_on, p.four_batch_by, p.four_batch_basis) == (
        "盘活", dt.date(2025, 3, 1), "县农业农村局", "大棚闲置")
    assert Project.objects.get(project_no="XM-6").four_batch == ""


def test_project_list_export_has_the_class(regions, county_admin, login):
    classified(regions["village"].code, completed=dt.date(2024, 5, 1), on=dt.date(2025, 2, 1), batch="升级",
               name="东村冷库")
    client = login(county_admin)
    page = client.get(reverse("ledger_list", args=["project"]), {"four_batch": "升级"}).content.decode()
    assert "东村冷库" in page and "“四个一批”分类" in page
    content = client.post(reverse("ledger_export", args=["project"]), {"four_batch": "升级"}).content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header = next(r for r in rows if "“四个一批”分类" in r)
    data = rows[rows.index(header) + 1]
    assert data[header.index("“四个一批”分类")] == "升级" and data[header.index("分类依据")] == "经营正常，带农效果好"


def test_unclassified_industry_projects_are_found_and_counted(regions, county_admin, township_reviewer):
    v, w = regions["village"].code, regions["village_c"].code
    classified(v, completed=dt.date(2024, 5, 1), on=dt.date(2025, 2, 1), name="已分类")
    classified(v, completed=dt.date(2023, 5, 1), on=dt.date(2024, 2, 1), name="去年分类")
    classified(w, completed=dt.date(2024, 5, 1), on=None, name="从未分类")
    run_rules(codes=["INDUSTRY-FOUR-BATCH"], as_of=dt.date(2025, 6, 30), prefix=regions["county"].prefix)
    details = sorted(Finding.objects.filter(rule="INDUSTRY-FOUR-BATCH").values_list("detail", flat=True))
    assert len(details) == 2 and "「去年分类」2025 年未按“四个一批”分类，上次分类为 2024-02-01“巩固”" in details[1]
    assert "「从未分类」2025 年未按“四个一批”分类，从未分类" in details[0]
    counts = {r["rule"].code: r["count"] for r in rule_figures(county_admin)}
    assert counts["INDUSTRY-FOUR-BATCH"] == 2 and counts["FUND-INSPECT-QUARTER"] is None   # never run: no zero
    assert {r["rule"].code: r["count"] for r in rule_figures(township_reviewer)}["INDUSTRY-FOUR-BATCH"] == 1


def test_inspection_ledger_import_and_the_quarter_rule(regions, county_admin, village_clerk, tmp_path):
    county = regions["county"].code
    allocation(county, issued=dt.date(2025, 2, 10), amount="1000")
    path = _csv(tmp_path, "督查.csv", [
        "行政区划代码,检查日期,检查组织单位（人员）,检查范围,发现问题,整改情况,整改完成日期",
        f"{county},2025-03-20,县财政局督查组,全县一季度项目,2 个项目拨付滞后,已督促拨付,2025-04-10",
        f"{county},2025-05-20,县财政局督查组,全县二季度项目,,,2025-05-01",
        f"{county},2025-13-01,县财政局督查组,全县项目,,,",
    ])
    with pytest.raises(UserFacingError, match="没有导入衔接资金督查检查台账的权限"):    # the county's own
        intake_run("ledger.fund_inspection", path=path, user=village_clerk)
    result = intake_run("ledger.fund_inspection", path=path, user=county_admin)
    reasons = {p.row: p.reason for p in result.rejected}
    assert "整改完成日期（2025-05-01）早于检查日期（2025-05-20）" in reasons[3] and "不是真实的日期" in reasons[4]
    assert list(FundInspection.objects.values_list("inspected_on", flat=True)) == [dt.date(2025, 3, 20)]
    found = run_rules(codes=["FUND-INSPECT-QUARTER"], as_of=dt.date(2025, 10, 8), prefix=regions["county"].prefix,
                      store=False).findings.to_pylist()
    assert [f["detail"] for f in found] == ["2025 年第2季度（2025-04-01 至 2025-06-30）没有衔接资金使用督查检查记录",
                                            "2025 年第3季度（2025-07-01 至 2025-09-30）没有衔接资金使用督查检查记录"]
    inspection(county, dt.date(2025, 9, 30))
    found = run_rules(codes=["FUND-INSPECT-QUARTER"], as_of=dt.date(2025, 10, 8), prefix=regions["county"].prefix,
                      store=False).findings.to_pylist()
    assert [f["detail"][:10] for f in found] == ["2025 年第2季度"]
