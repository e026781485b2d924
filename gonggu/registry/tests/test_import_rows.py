"""Row-level normalisation and rejection rules of formats.md (registry)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine

from gonggu.core.tests.commands import run_command
from gonggu.registry.importing import registry_import
from gonggu.registry.models import Household, IncomeAccount, Person

from .test_import_helpers import OTHER_VILLAGE, head, household, id_number, person, rejected_rows, write_csv

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def run(tmp_path, rows, **kwargs):
    return registry_import(path=write_csv(tmp_path, rows), **kwargs)


def test_a_clean_file_imports_households_persons_and_income(tmp_path, regions, county_admin):
    result = run(tmp_path, household("H001", 3) + household("H002", 2, 户类型="一般农户"), user=county_admin)
    assert result.rejected == []
    assert (result.counts.households, result.counts.persons) == (2, 5)
    assert (result.counts.persons_created, result.counts.households_created) == (5, 2)
    h1 = Household.objects.get(household_no="H001")
    assert h1.county_code == "410122" and h1.village == regions["village"] and h1.region_code == "410122100201"
    assert h1.members.count() == 3 and h1.head_name == "张某" and h1.relocated is False
    account = IncomeAccount.objects.get(household=h1, year=2024)
    # (20000 + 5000 + 0 + 3000 − 1000) / 3 = 9000.00
    assert account.net_income == Decimal("27000.00") and account.household_size == 3
    assert account.per_capita == Decimal("9000.00")
    assert Household.objects.get(household_no="H002").household_type == "一般农户"


@pytest.mark.parametrize("raw", [
    " {n} ", "'{n}", "{n_lower}", "{n_full}", "{n_nbsp}",
])
def test_identity_numbers_are_normalised(tmp_path, regions, raw):
    number = id_number(dt.date(1975, 3, 9), seq=4)  # ends with a digit; make an X one too below
    first17 = "11010519491231002"
    x_number = first17 + "X"
    chosen = x_number if "lower" in raw else number
    full = chosen.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    text = raw.format(n=chosen, n_lower=x_number.lower(), n_full=full, n_nbsp=chosen[:6] + "\u00a0" + chosen[6:])
    result = run(tmp_path, [head("H1", id=text)])
    assert result.rejected == []
    assert Person.objects.get().id_number == chosen


def test_fifteen_digit_number_is_upgraded_and_gender_and_birth_derived(tmp_path, regions):
    run(tmp_path, [head("H1", id="110105491231002")])
    p = Person.objects.get()
    assert p.id_number == "11010519491231002X"
    assert p.birth_date == dt.date(1949, 12, 31) and p.gender == "F"


def test_area_code_missing_from_division_lists_is_accepted(tmp_path, regions):
    number = id_number(dt.date(1990, 1, 1), area="410122", male=True)
    run(tmp_path, [head("H1", id=number)])
    assert Person.objects.get().gender == "M"


@pytest.mark.parametrize("raw,reason", [
    ("11010519491231002Y", "非法字符"),
    ("110105194912310021", "校验位错误"),
    ("11010519490231002X", "不是真实日期"),
    ("1101051949123100", "应为 18 位"),
    ("4.10122E+17", "科学计数法"),
    ("110105209912310025", "不合理"),
])
def test_invalid_identity_numbers_reject_the_row_with_masked_value(tmp_path, regions, raw, reason):
    result = run(tmp_path, [head("H1", id=raw), person("H1")])
    rows = [r for r in result.rejected if r.column == "身份证号"]
    assert len(rows) == 1 and rows[0].row == 2 and reason in rows[0].reason
    assert raw not in rows[0].value or len(raw) < 11
    assert Person.objects.count() == 1  # the other member still imports


def test_unknown_and_out_of_scope_village_codes(tmp_path, regions, county_admin):
    rows = [head("H1"), head("H2", village="410122100299"), head("H3", village=OTHER_VILLAGE),
            head("H4", village="4101221002")]
    result = run(tmp_path, rows, user=county_admin)
    reasons = {r.row: r.reason for r in result.rejected if r.column == "行政区划代码"}
    assert "系统中没有村级区划" in reasons[3]
    assert "不在您的管辖范围" in reasons[4]
    assert "12 位数字" in reasons[5]
    assert list(Household.objects.values_list("household_no", flat=True)) == ["H1"]


def test_required_cells(tmp_path, regions):
    result = run(tmp_path, [head("H1", 姓名="", 劳动能力=" ", 工资性收入="")])
    columns = {r.column for r in result.rejected}
    assert columns == {"姓名", "劳动能力", "工资性收入"}
    assert all("不能为空" in r.reason or "户主行必须填写" in r.reason for r in result.rejected)
    assert Person.objects.count() == 0


def test_value_lists_and_aliases(tmp_path, regions):
    rows = [head("H1", 残疾等级="2", 健康状况="残疾", 在校情况="非在校生", 务工月数="3", 务工地点="省外"),
            person("H1", 劳动能力="壮劳力"), person("H1", 户类型="贫困户"), person("H1", 是否参加基本医疗保险="Y")]
    result = run(tmp_path, rows)
    assert rejected_rows(result) == {3, 4, 5}
    assert any("「壮劳力」不是规定的取值" in r.reason for r in result.rejected)
    assert any("应填「是」或「否」" in r.reason for r in result.rejected)
    p = Person.objects.get()
    assert (p.disability_grade, p.work_months, p.work_place, p.school_status) == ("二级", 3, "省外", "非在校生")


@pytest.mark.parametrize("cell,ok,value", [
    ("12", True, 12), ("0", True, 0), ("13", False, None), ("-1", False, None), ("3.5", False, None),
    ("三", False, None), ("6个月", True, 6),
])
def test_work_months(tmp_path, regions, cell, ok, value):
    result = run(tmp_path, [head("H1", 务工月数=cell)])
    if ok:
        assert result.rejected == [] and Person.objects.get().work_months == value
    else:
        assert [r.column for r in result.rejected] == ["务工月数"]


@pytest.mark.parametrize("cell,cents", [
    ("1,234.5", 123450), ("1234.5元", 123450), ("￥800", 80000), ("１２３", 12300), ("0.005", 1), ("-300", -30000),
])
def test_amounts(tmp_path, regions, cell, cents):
    result = run(tmp_path, [head("H1", 工资性收入=cell, 生产经营性收入="0", 财产性收入="0", 转移性收入="0",
                                 生产经营性支出="0")])
    assert [r for r in result.rejected] == []
    account = IncomeAccount.objects.get()
    assert account.wage == Decimal(cents) / 100
    if cents < 0:
        assert any("负数" in w.reason for w in result.warnings)


def test_text_in_numeric_cells_rejects_the_row_naming_the_column(tmp_path, regions):
    result = run(tmp_path, [head("H1", 转移性收入="三千"), head("H2", 收入年度="去年")])
    assert {(r.row, r.column) for r in result.rejected} == {(2, "转移性收入"), (3, "收入年度")}
    assert Household.objects.count() == 0


def test_same_person_in_two_households_rejects_the_later_row_naming_both(tmp_path, regions):
    shared = id_number()
    result = run(tmp_path, [head("H1"), person("H1", id=shared), head("H2"), person("H2", id=shared)])
    [issue] = result.rejected
    assert issue.row == 5 and "第 3 行（户 H1）" in issue.reason and "户 H2" in issue.reason
    assert Person.objects.get(id_number=shared).household.household_no == "H1"


def test_two_heads_no_head_and_type_mismatch_are_imported_with_warnings(tmp_path, regions):
    rows = [head("H1"), head("H1", name="李四"),                  # two heads
            person("H2", relation="子"), person("H2", relation="女"),  # no head
            head("H3"), person("H3", 户类型="监测户")]              # type mismatch
    result = run(tmp_path, rows)
    assert result.rejected == []
    assert Person.objects.count() == 6
    warnings = {w.row: w.reason for w in result.warnings}
    assert "2 名户主" in warnings[3]
    assert "没有户主" in warnings[4]
    assert "与本户第 6 行不一致" in warnings[7] and Household.objects.get(household_no="H3").household_type == "脱贫户"
    # No head: incomes from the first row (blank = 0); the account exists with size 2.
    assert IncomeAccount.objects.get(household__household_no="H2").household_size == 2


def test_two_heads_with_the_income_on_one_import_both_and_are_reported_by_the_quality_rule(tmp_path, regions):
    blank = {a: "" for a in ("工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出")}
    rows = [head("H1", name="李四", **blank),      # a second 户主 row, income cells left blank
            head("H1", name="张三", 工资性收入="12000"),  # the 户主 row with the income
            person("H1")]
    result = run(tmp_path, rows)
    assert result.rejected == []
    h1 = Household.objects.get(household_no="H1")
    assert sorted(h1.members.filter(relation="户主").values_list("name", flat=True)) == ["张三", "李四"]
    assert h1.members.count() == 3 and h1.head_name == "张三"
    # Income from the filled 户主 row: 12000 + 5000 + 0 + 3000 − 1000 over three persons.
    account = IncomeAccount.objects.get(household=h1, year=2024)
    assert (account.wage, account.net_income, account.household_size) == (Decimal("12000"), Decimal("19000"), 3)
    assert account.per_capita == Decimal("6333.33")
    assert "2 名户主" in {w.row: w.reason for w in result.warnings}[2]

    code, out, _ = run_command("quality", "--as-of", "2025-03-01", "--format", "json")
    assert code == 0
    found = [f for f in json.loads(out)["findings"] if f["rule"] == "Q-HEAD-COUNT"]
    assert [(f["household_no"], f["id_number"]) for f in found] == [("H1", None)] and "2 名户主" in found[0]["detail"]


def test_two_heads_without_income_on_either_are_rejected(tmp_path, regions):
    blank = {"工资性收入": ""}
    result = run(tmp_path, [head("H1", **blank), head("H1", name="李四", **blank), person("H1")])
    assert rejected_rows(result) == {2, 3}
    assert Person.objects.count() == 1 and not IncomeAccount.objects.exists()


def test_second_head_without_income_does_not_stand_in_for_a_rejected_one(tmp_path, regions):
    result = run(tmp_path, [head("H1", name="李四", 工资性收入=""), head("H1", id="123"), person("H1")])
    assert rejected_rows(result) == {3}
    assert Person.objects.count() == 2 and not IncomeAccount.objects.exists()
    assert any(w.row == 3 and "户主行未能导入" in w.reason for w in result.warnings)


def test_rejected_head_row_keeps_members_but_not_the_income(tmp_path, regions):
    result = run(tmp_path, [head("H1", id="123"), person("H1")])
    assert rejected_rows(result) == {2}
    assert Person.objects.count() == 1 and not IncomeAccount.objects.exists()
    assert any("户主行未能导入" in w.reason for w in result.warnings)


def test_person_registered_in_another_county_is_rejected(tmp_path, regions):
    from gonggu.registry.factories import HouseholdFactory, PersonFactory

    other = HouseholdFactory(village=regions["other_village"])
    elsewhere = PersonFactory(household=other, relation="户主")
    result = run(tmp_path, [head("H1"), person("H1", id=elsewhere.id_number)])
    assert rejected_rows(result) == {3} and "其他县" in result.rejected[0].reason
    assert Person.objects.get(pk=elsewhere.pk).household == other


def test_unknown_columns_are_reported_once(tmp_path, regions):
    from gonggu.registry.spec import REGISTRY_SPEC

    path = write_csv(tmp_path, [head("H1") | {"备注": "x"}], header=[*REGISTRY_SPEC.names, "备注", "联系电话"])
    result = registry_import(path=path)
    assert result.unknown_columns == ["备注", "联系电话"] and result.counts.persons == 1
