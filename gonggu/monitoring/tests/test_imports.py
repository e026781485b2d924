"""Importing monitoring history: good rows in, bad rows reported with row, column and reason; re-imports update."""

import io
import json

import pytest
from django.core.management import call_command

from gonggu.dataio.intake import intake_run
from gonggu.dataio.models import IntakeBatch
from gonggu.dataio.writers import write_xlsx

from ..intake_formats import CASES_SPEC
from ..models import Measure, MonitoringCase, Visit
from ..workflow import CaseStatus
from .factories import CaseFactory, household
from .test_workflow import D

pytestmark = pytest.mark.django_db


def import_cases(path, **kwargs):
    return intake_run("monitoring.cases", path=path, **kwargs)


def import_measures(path, **kwargs):
    return intake_run("monitoring.measures", path=path, **kwargs)


def import_visits(path, **kwargs):
    return intake_run("monitoring.visits", path=path, **kwargs)


def write_csv(tmp_path, name, header, rows) -> str:
    path = tmp_path / name
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    return str(path)


CASE_HEADER = ["户编号", "监测对象类型", "风险类型", "发现渠道", "发现日期", "公示开始日期", "公示结束日期", "县级审批日期",
               "录入日期", "帮扶责任人", "帮扶计划日期", "风险消除日期", "消除方式", "消除公示开始日期", "消除公示结束日期"]


@pytest.fixture
def hhs(regions):
    return [household(regions["village"]) for _ in range(3)]


def test_import_cases_good_and_bad_rows(tmp_path, hhs):
    a, b, c = (h.household_no for h in hhs)
    rows = [
        [a, "边缘易致贫户", "因病、因学", "农户自主申报", "2024-03-01", "2024-03-05", "2024-03-09", "2024/3/12",
         "2024-03-15", "张三", "2024年3月20日", "", "", "", ""],
        [b, "突发严重困难户", "因灾;住房安全", "部门筛查预警", "2023-07-01", "2023-07-03", "2023-07-07", "2023-07-10",
         "2023-07-12", "李四", "2023-07-15", "2024-01-20", "稳定消除", "2024-01-05", "2024-01-09"],
        ["H-NOPE", "边缘易致贫户", "因病", "农户自主申报", "2024-03-01", "", "", "2024-03-12", "", "", "", "", "", "", ""],
        [c, "边缘户", "因懒", "电话", "2024-13-01", "", "", "", "", "", "", "", "稳定消除", "", ""],
        [a, "边缘易致贫户", "因病", "农户自主申报", "2024-03-01", "", "", "2024-03-12", "", "", "", "", "", "", ""],
    ]
    result = import_cases(write_csv(tmp_path, "cases.csv", CASE_HEADER, rows))
    assert (result.rows, result.written.created, result.written.updated) == (5, 2, 0)
    by_row = {}
    for p in result.rejected:
        by_row.setdefault(p.row, []).append((p.column, p.reason))
    assert set(by_row) == {4, 5, 6}
    assert by_row[4] == [("户编号", "户编号「H-NOPE」在户籍台账中不存在")]
    columns = {col for col, _ in by_row[5]}
    assert {"监测对象类型", "风险类型", "发现渠道", "发现日期", "县级审批日期", "消除方式"} <= columns
    assert "重复" in by_row[6][0][1]
    first = MonitoringCase.objects.get(household__household_no=a)
    assert first.status == CaseStatus.MONITORING and first.imported and first.risk_types == "因病、因学"
    assert (first.county_approved_on, first.plan_on) == (D(2024, 3, 12), D(2024, 3, 20))
    second = MonitoringCase.objects.get(household__household_no=b)
    assert second.status == CaseStatus.ELIMINATED and second.elimination_method == "稳定消除"
    assert second.risk_types == "因灾、住房安全"
    # Re-importing the same rows updates in place.
    again = import_cases(write_csv(tmp_path, "cases2.csv", CASE_HEADER, rows[:2]))
    assert (again.written.created, again.written.updated) == (0, 2) and MonitoringCase.objects.count() == 2
    assert IntakeBatch.objects.filter(format="monitoring.cases").count() == 2
    # The same file once more: matched again, nothing new (a file of the history may be imported again).
    third = import_cases(write_csv(tmp_path, "cases2.csv", CASE_HEADER, rows[:2]))
    assert third.duplicate_of is None and (third.written.created, third.written.updated) == (0, 2)
    assert MonitoringCase.objects.count() == 2


def test_live_case_keeps_its_procedure(tmp_path, hhs):
    live = CaseFactory(household=hhs[0], county_approved_on=D(2024, 3, 12), entered_on=None, imported=False)
    row = [hhs[0].household_no, "边缘易致贫户", "因病", "农户自主申报", "2024-03-01", "", "", "2024-03-12",
           "2024-03-15", "", "", "2024-09-01", "稳定消除", "", ""]
    result = import_cases(write_csv(tmp_path, "c.csv", CASE_HEADER, [row]))
    assert result.written.updated == 1
    live.refresh_from_db()
    assert live.entered_on == D(2024, 3, 15) and live.status == CaseStatus.MONITORING and not live.imported


def test_import_measures_and_visits(tmp_path, hhs, regions):
    case = CaseFactory(household=hhs[0], discovered_on=D(2024, 3, 1), imported=True)
    head = hhs[0].members.get()
    stranger = hhs[1].members.get()
    path = write_csv(tmp_path, "m.csv", ["户编号", "措施类别", "开始日期", "结束日期", "受益人身份证号", "内容"], [
        [hhs[0].household_no, "就业帮扶", "2024-04-01", "", head.id_number, "公益性岗位推荐"],
        [hhs[0].household_no, "健康帮扶", "2024-04-01", "2024-03-01", "", "倒序日期"],
        [hhs[0].household_no, "就业帮扶", "2024-05-01", "", "410122199001011234", "校验位错"],
        [hhs[0].household_no, "教育帮扶", "2024-05-01", "", stranger.id_number, "别户成员"],
        [hhs[0].household_no, "理财", "2024-05-01", "", "", ""],
    ])
    result = import_measures(path)
    assert (result.written.created, result.written.updated) == (1, 0)
    problems = {p.row: p for p in result.rejected}
    assert (problems[3].column, problems[3].reason) == ("结束日期", "结束日期早于开始日期")
    bad = problems[4]
    assert bad.column == "受益人身份证号" and "校验位" in bad.reason and "1234" in bad.value
    assert "410122199001011234" not in bad.reason + bad.value
    assert problems[5].column == "受益人身份证号" and "不是该户的成员" in problems[5].reason
    assert problems[6].column == "措施类别" and "「理财」不是允许的取值" in problems[6].reason
    m = Measure.objects.get()
    assert m.case == case and m.beneficiary == head and m.imported
    assert import_measures(path).written.updated == 1 and Measure.objects.count() == 1

    vpath = write_csv(tmp_path, "v.csv", ["户编号", "走访日期", "走访人", "内容"], [
        [hhs[0].household_no, "2024-04-10", "张三", "了解就业情况"],
        [hhs[0].household_no, "2024-04-10", "张三", "重复"],
        [hhs[0].household_no, "", "张三", "缺日期"],
        [hhs[0].household_no, "2099-01-01", "张三", "未来"],
    ])
    vres = import_visits(vpath)
    assert vres.written.created == 1 and {p.row for p in vres.rejected} == {3, 4, 5}
    assert {p.row: p.reason for p in vres.rejected}[5] == "走访日期晚于今天"
    assert Visit.objects.get().case == case


def test_missing_required_column_fails_the_file(tmp_path, hhs):
    from gonggu.core.errors import UserFacingError

    path = write_csv(tmp_path, "bad.csv", ["户编号", "风险类型"], [[hhs[0].household_no, "因病"]])
    with pytest.raises(UserFacingError, match="缺少必需的列"):
        import_cases(path)
    assert not MonitoringCase.objects.exists()


def test_cli_json_and_xlsx(tmp_path, hhs):
    data = write_xlsx([("监测记录", CASES_SPEC.names, [[hhs[0].household_no, "", "脱贫不稳定户", "因病", "基层干部排查",
                                                        "2024-03-01", "2024-03-03", "2024-03-07", "2024-03-10",
                                                        "", "", "", "", "", "", ""]])],
                      text_columns={"户编号"})
    path = tmp_path / "cases.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_cases", str(path), "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    # cli.md's keys, within the intake pipeline's one result shape.
    assert {"batch", "rows", "created", "updated", "rejected"} <= set(payload)
    assert payload["format"] == "monitoring.cases" and payload["rejected_rows"] == 0
    assert IntakeBatch.objects.get(pk=payload["batch"]).format == "monitoring.cases"
    assert (payload["rows"], payload["created"], payload["rejected"]) == (1, 1, [])
    # --dry-run validates and writes nothing.
    out = io.StringIO()
    MonitoringCase.objects.all().delete()
    call_command("import_cases", str(path), "--format", "json", "--dry-run", stdout=out)
    assert json.loads(out.getvalue())["created"] == 1 and not MonitoringCase.objects.exists()
