import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.core.uploads import stored_path
from gonggu.dataio.models import IntakeIssue as RejectedRow
from gonggu.dataio.writers import write_xlsx
from gonggu.registry.demo import make_id_number
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.sources.models import Batch, Fact
from gonggu.sources.selectors import batch_matched_now
from gonggu.sources.services import batch_import

pytestmark = pytest.mark.django_db

UNKNOWN = make_id_number("410122", dt.date(1988, 8, 8), 21)   # valid, not in the registry


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(dt.datetime(2025, 6, 30, 10, 0), tick=False):
        yield


@pytest.fixture
def member(regions):
    return PersonFactory(household=HouseholdFactory(village=regions["village"]), name="张三",
                         birth_date=dt.date(1980, 2, 3))


def write_csv(tmp_path: Path, text: str, name: str = "list.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# One list per source: a header with aliases where the format has them, one row for the registry member
# and one for a number not in the registry; and what must be stored.
CASES = {
    "mz_assistance": ("身份证号,姓名,救助类型,状态,起始日期", "低保,在保,2024/3/1",
                      {"category": "低保", "status": "在保", "fact_date": dt.date(2024, 3, 1)}),
    "yb_enrolment": ("身份证号码,姓名,参保状态,参保年度", "异地参保,2025年",
                     {"status": "异地参保", "year": 2025}),
    "yb_expense": ("证件号码,姓名,年度,医疗总费用,个人自付", "2024,\"12,345.60\",1234.5元",
                   {"year": 2024, "amount": Decimal("12345.60"), "amount2": Decimal("1234.50")}),
    "cl_disability": ("公民身份号码,姓名,残疾类别,残疾等级,发证日期", "肢体,2,2025年3月1日",
                      {"category": "肢体", "grade": "二级", "fact_date": dt.date(2025, 3, 1)}),
    "zj_housing": ("户主身份证号,姓名,鉴定等级,鉴定日期", "c级,2025-01-15",
                   {"grade": "C", "fact_date": dt.date(2025, 1, 15)}),
    "jy_student": ("身份证号,姓名,学段,就学状态", "初中,疑似辍学", {"category": "初中", "status": "疑似辍学"}),
    "rs_employment": ("身份证号,姓名,就业状态,务工地点,务工月数", "已就业,省外,8",
                      {"status": "已就业", "place": "省外", "months": 8}),
    "yj_disaster": ("身份证号,姓名,灾害类型,直接经济损失,受灾日期", "洪涝,8000,20250520",
                    {"category": "洪涝", "amount": Decimal("8000.00"), "fact_date": dt.date(2025, 5, 20)}),
    "ga_deregistration": ("身份证号,姓名,注销原因,注销日期", "死亡,2025/6/1",
                          {"status": "死亡", "fact_date": dt.date(2025, 6, 1)}),
}


@pytest.mark.parametrize("source", list(CASES))
def test_each_source_imports_with_aliases_and_counts(source, member, tmp_path):
    header, values, stored = CASES[source]
    text = f"{header}\n{member.id_number},张三,{values}\n{UNKNOWN},李四,{values}\n"
    result = batch_import(source=source, path=write_csv(tmp_path, text), as_of=dt.date(2025, 6, 1))
    assert (result.rows, result.as_json()['matched'], result.written.unmatched, result.rejected) == (2, 1, 1, [])
    batch = result.batch
    assert (batch.rows, batch.matched, batch.unmatched, batch.rejected_rows) == (2, 1, 1, 0)
    assert batch.as_of == dt.date(2025, 6, 1) and batch.region_code == "410122000000"
    fact = Fact.objects.get(batch=batch, id_number=member.id_number)
    assert fact.name == "张三" and fact.row_number == 2 and fact.source == source
    for field, value in stored.items():
        assert getattr(fact, field) == value, field
    assert Fact.objects.filter(batch=batch, id_number=UNKNOWN).exists()   # unmatched rows are kept


def test_original_file_is_kept_and_import_is_audited(member, tmp_path):
    path = write_csv(tmp_path, f"身份证号,姓名,就学状态\n{member.id_number},张三,在校\n")
    batch = batch_import(source="jy_student", path=path).batch
    assert not batch.stored_path.startswith("/")     # relative to the data directory
    kept = stored_path(batch.stored_path)
    assert kept.exists() and kept.read_bytes() == path.read_bytes() and kept != path
    assert batch.as_of == dt.date(2025, 6, 30)   # default: today
    assert AuditEvent.objects.filter(action="import", object_type="intake_batch", object_id=str(batch.pk)).exists()


def test_xlsx_with_date_cells_amounts_and_a_number_cell_identity(member, tmp_path):
    path = tmp_path / "disaster.xlsx"
    rows = [
        [member.id_number, "张三", "冰雹", 5000, dt.date(2025, 4, 2)],
        [410122198002030011, "王五", "冰雹", "1,000元", "2025/4/2"],   # Excel kept the number as a number
    ]
    path.write_bytes(write_xlsx([("Sheet1", ["身份证号", "姓名", "灾害类型", "损失金额", "受灾日期"], rows)],
                                text_columns=set()))
    result = batch_import(source="yj_disaster", path=path)
    assert result.as_json()['matched'] == 1 and len(result.rejected) == 1
    fact = Fact.objects.get(id_number=member.id_number)
    assert fact.amount == Decimal("5000.00") and fact.fact_date == dt.date(2025, 4, 2)
    [problem] = result.rejected
    assert problem.row == 3 and problem.column == "身份证号" and "已丢失" in problem.reason


def test_bad_rows_are_rejected_with_reasons_and_good_rows_imported(member, tmp_path):
    bad_check = member.id_number[:17] + ("0" if member.id_number[17] != "0" else "1")
    text = ("身份证号,姓名,救助类别,状态,起始日期\n"
            f"{member.id_number},张三,低保,在保,2024-01-01\n"
            "4.10122E+17,赵六,低保,在保,2024-01-01\n"
            f"{bad_check},钱七,低保,在保,2024-01-01\n"
            f"{UNKNOWN},,低保,在保,2024-01-01\n"
            f"{UNKNOWN},孙八,五保,在保,2024-13-01\n"
            f"{UNKNOWN},周九,特困,,\n")
    result = batch_import(source="mz_assistance", path=write_csv(tmp_path, text))
    assert result.rows == 6 and result.as_json()['matched'] == 1 and result.written.unmatched == 0
    reasons = {(p.row, p.column): p.reason for p in result.rejected}
    assert "科学计数法" in reasons[(3, "身份证号")]
    assert "校验位" in reasons[(4, "身份证号")]
    assert "为空" in reasons[(5, "姓名")]
    assert "五保" in reasons[(6, "救助类别")] and "2024-13-01" in reasons[(6, "起始日期")]
    assert "为空" in reasons[(7, "状态")]
    assert result.batch.rejected_rows == 5 and RejectedRow.objects.filter(batch=result.batch).count() == 6
    # Rejected identity numbers are kept masked only.
    assert not RejectedRow.objects.filter(value__contains=bad_check).exists()


def test_gbk_csv_and_blank_header_variants(member, tmp_path):
    text = f" 身份证号 ,姓　名,就学状态,备注\n'{member.id_number},张　三,辍学,x\n"
    path = write_csv(tmp_path, text.replace("姓　名", "姓名"), encoding="gbk")
    result = batch_import(source="jy_student", path=path)
    assert result.as_json()['matched'] == 1 and result.unknown_columns == ["备注"]
    assert Fact.objects.get().name == "张三"


@pytest.mark.parametrize("source, text, message", [
    ("mz_assistance", "身份证号,姓名,参保状态,参保年度\n{id},张三,已参保,2025\n", "缺少必需的列"),
    ("mz_assistance", "身份证号,姓名,救助类别,状态\n", "没有数据行"),
    ("no_such_list", "身份证号,姓名\n{id},张三\n", "未知的部门数据来源"),
])
def test_whole_file_problems_write_nothing(source, text, message, member, tmp_path):
    with pytest.raises(UserFacingError, match=message):
        batch_import(source=source, path=write_csv(tmp_path, text.format(id=member.id_number)))
    assert not Batch.objects.exists() and not Fact.objects.exists()


def test_wrong_source_names_the_list_the_file_looks_like(member, tmp_path):
    text = f"身份证号,姓名,参保状态,参保年度\n{member.id_number},张三,已参保,2025\n"
    with pytest.raises(UserFacingError) as exc:
        batch_import(source="mz_assistance", path=write_csv(tmp_path, text))
    assert "救助类别" in exc.value.message and "yb_enrolment" in exc.value.message


def test_the_same_file_twice_is_detected_and_not_counted_twice(member, tmp_path):
    path = write_csv(tmp_path, f"身份证号,姓名,就学状态\n{member.id_number},张三,辍学\n")
    first = batch_import(source="jy_student", path=path)
    copy = write_csv(tmp_path, path.read_text(), name="again.csv")
    second = batch_import(source="jy_student", path=copy, as_of=dt.date(2025, 6, 2))
    assert second.batch is None and second.duplicate_of == first.batch
    assert Batch.objects.count() == 1 and Fact.objects.count() == 1
    assert second.as_json()["duplicate_of"] == first.batch.pk


def test_department_users_import_only_their_own_lists(department_user, county_admin, member, tmp_path):
    path = write_csv(tmp_path, f"身份证号,姓名,就学状态\n{member.id_number},张三,辍学\n")
    with pytest.raises(UserFacingError, match="本部门"):
        batch_import(source="jy_student", path=path, user=department_user)
    ok = write_csv(tmp_path, f"身份证号,姓名,救助类别,状态\n{member.id_number},张三,低保,在保\n", name="mz.csv")
    assert batch_import(source="mz_assistance", path=ok, user=department_user).batch.imported_by == department_user
    assert batch_import(source="jy_student", path=path, user=county_admin).batch is not None


def test_unmatched_rows_are_rematched_when_the_registry_changes(regions, tmp_path):
    number = make_id_number("410122", dt.date(1990, 1, 1), 31)
    path = write_csv(tmp_path, f"身份证号,姓名,就业状态\n{number},新人,失业\n")
    batch = batch_import(source="rs_employment", path=path).batch
    assert (batch.matched, batch.unmatched, batch_matched_now(batch)) == (0, 1, 0)
    h = HouseholdFactory(village=regions["village"])
    from gonggu.registry.models import Person

    Person.objects.create(household=h, region_code=h.region_code, id_number=number, name="新人", relation="户主",
                          gender="M", birth_date=dt.date(1990, 1, 1), labour_ability="普通劳动力", health="健康")
    assert batch_matched_now(batch) == 1


def _command(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_dept", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_import_dept_command_json(member, tmp_path):
    path = write_csv(tmp_path, f"身份证号,姓名,就学状态\n{member.id_number},张三,辍学\n{UNKNOWN},李四,在校\n"
                               "4.10122E+17,王五,在校\n")
    code, out, err = _command("jy_student", str(path), "--as-of", "2025-06-01", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    # cli.md's keys for import_dept, within the intake pipeline's one result shape.
    assert {"batch", "source", "rows", "matched", "unmatched", "rejected", "duplicate_of"} <= set(payload)
    assert payload["format"] == "dept.jy_student" and payload["rejected_rows"] == 1
    assert payload["source"] == "jy_student" and payload["rows"] == 3 and payload["matched"] == 1
    assert payload["unmatched"] == 1 and payload["duplicate_of"] is None
    assert payload["rejected"] == [{"row": 4, "column": "身份证号", "reason": payload["rejected"][0]["reason"]}]
    assert Batch.objects.get(pk=payload["batch"]).as_of == dt.date(2025, 6, 1)
    code, out, _ = _command("jy_student", str(path), "--format", "json")
    assert code == 0 and json.loads(out)["duplicate_of"] == payload["batch"] and json.loads(out)["batch"] is None


@pytest.mark.parametrize("args, message", [
    (["no_such", "{path}"], "未知的部门数据来源"),
    (["mz_assistance", "{path}"], "缺少必需的列"),
    (["jy_student", "{empty}"], "没有数据行"),
    (["jy_student", "{missing}"], "不存在"),
    (["jy_student", "{path}", "--as-of", "2025/06/01"], "--as-of"),
    (["jy_student", "{path}", "--county", "999999"], "--county"),
])
def test_import_dept_command_fails_with_exit_1_and_one_line(args, message, member, tmp_path):
    path = write_csv(tmp_path, f"身份证号,姓名,就学状态\n{member.id_number},张三,辍学\n")
    empty = write_csv(tmp_path, "身份证号,姓名,就学状态\n", name="empty.csv")
    args = [a.format(path=path, empty=empty, missing=tmp_path / "nope.csv") for a in args]
    code, out, err = _command(*args, "--format", "json")
    assert code == 1 and out == "" and message in err and "Traceback" not in err
    assert not Batch.objects.exists()
