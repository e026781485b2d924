"""The national 防返贫监测信息系统's 监测对象 export imports as monitoring history as it is (issue #19)."""

import datetime as dt

import pytest

from conftest import make_region
from gonggu.core.codes import Level
from gonggu.dataio.intake import intake_run

from ..intake_formats import NATIONAL_CASES
from ..models import MonitoringCase
from ..workflow import CaseStatus
from .factories import household
from .test_imports import write_csv

pytestmark = pytest.mark.django_db

HEADER = ["县(市、区、旗)", "乡(镇)", "行政村", "户编号", "人编号", "姓名", "证件号码", "监测对象类别", "识别监测时间",
          "风险是否已消除", "风险消除方式", "消除监测时间", "致贫/返贫风险1", "致贫/返贫风险2", "致贫/返贫风险3",
          "致贫/返贫风险4", "致贫/返贫风险5"]


def row(hh, *, village="东村", town="城关镇", person="01", kind="边缘易致贫户", found="202403", eliminated="否",
        how="", when="", risks=("因病", "因安全饮水")):
    return ["中牟县", town, village, hh.household_no, hh.household_no + person, "某人", "", kind, found, eliminated,
            how, when, *risks, *[""] * (5 - len(risks))]


def test_a_monitored_export_becomes_monitoring_records(tmp_path, regions, county_admin):
    a, b = household(regions["village"]), household(regions["village_c"])
    rows = [row(a), row(a, person="02"),
            row(b, village="南村", town="白沙镇", kind="突发严重困难户", found="202307", eliminated="是", how="帮扶消除",
                when="202401", risks=("因意外",))]
    result = intake_run("monitoring.cases", path=write_csv(tmp_path, "监测对象.csv", HEADER, rows), user=county_admin)
    assert result.rejected == [] and result.recognised == NATIONAL_CASES.title
    assert result.as_json()["recognised_format"] == NATIONAL_CASES.title
    assert result.written.created == 2
    # The household's record repeated on its second member's row is the same record, imported once.
    assert [w.row for w in result.warnings] == [3]
    first = MonitoringCase.objects.get(household=a)
    assert first.risk_types == "因病、饮水安全" and first.monitoring_type == "边缘易致贫户"
    assert (first.discovered_on, first.county_approved_on) == (dt.date(2024, 3, 1), dt.date(2024, 3, 1))
    assert first.status == CaseStatus.MONITORING and first.channel == ""
    second = MonitoringCase.objects.get(household=b)
    assert second.status == CaseStatus.ELIMINATED and second.elimination_method == "稳定消除"
    assert second.eliminated_on == dt.date(2024, 1, 1) and second.risk_types == "因意外事故"


def test_names_and_elimination_that_do_not_agree_are_row_errors(tmp_path, regions, county_admin):
    make_region("410122101203", "东村", Level.VILLAGE, regions["township2"])
    a = household(regions["village"])
    rows = [row(a, town=""), row(a, village="无此村"), row(a, eliminated="是"), row(a, eliminated="否", when="202401")]
    result = intake_run("monitoring.cases", path=write_csv(tmp_path, "bad.csv", HEADER, rows), user=county_admin)
    reasons = {p.row: (p.column, p.reason) for p in result.rejected}
    assert reasons[2][0] == "行政村" and "行政村「东村」在中牟县有 2 个" in reasons[2][1]
    assert "没有行政村「无此村」" in reasons[3][1]
    assert reasons[4] == ("风险是否消除", "风险是否消除为「是」，但没有风险消除时间")
    assert reasons[5] == ("风险是否消除", "风险是否消除为「否」，但填写了风险消除时间")
    assert not MonitoringCase.objects.exists()
