"""Dialects of a column spec: another system's export recognised from its header and read as the spec's columns."""

import datetime as dt

import pytest

from gonggu.core.errors import UserFacingError
from gonggu.dataio.columns import Column, ColumnSpec, Dialect, Kind

EXPORT = Dialect(
    key="x.export", title="某系统导出表", signature=("编号", ("证件号码", "身份证号码"), "识别时间"),
    headers={"类型": ("对象类别",)}, joined={"风险": ("风险1", "风险2"), "日期": ("识别时间",)},
    values={"类型": {"甲类户": "甲"}}, kinds={"日期": Kind.MONTH_OR_DATE}, defaults={"来源": "导入"},
    optional=("代码",),
)
SPEC = ColumnSpec(key="x", title="测试表", columns=(
    Column("编号", required=True), Column("代码", required=True), Column("类型", kind=Kind.CHOICE, choices=("甲", "乙")),
    Column("风险", kind=Kind.CHOICES, choices=("因病", "因学")), Column("日期", required=True, kind=Kind.DATE),
    Column("来源", required=True),
), dialects=(EXPORT,))


def test_the_export_is_recognised_from_its_header_and_read_as_the_spec():
    header = ["编号", "身份证号码", "对象类别", "识别时间", "风险1", "风险2", "备注"]
    dialect = SPEC.recognise(header, file_label="a.xlsx")
    assert dialect is EXPORT
    spec = dialect.spec_for(SPEC)
    header2, extend = dialect.adapt(header)
    assert header2[len(header):] == ["风险", "日期", "来源"]
    match = spec.match_headers(header2, file_label="a.xlsx")
    values, problems = spec.parse_row(extend(["7", "x", "甲类户", "202403", "因病", "因学", "无"]), match.positions)
    assert problems == []
    assert values == {"编号": "7", "代码": None, "类型": "甲", "风险": "因病、因学", "日期": dt.date(2024, 3, 1),
                      "来源": "导入"}
    assert match.unknown == ["身份证号码", "识别时间", "风险1", "风险2", "备注"]


def test_the_own_columns_are_not_an_export():
    assert SPEC.recognise(["编号", "代码", "日期", "来源"], file_label="a.csv") is None


def test_half_an_export_signature_is_refused_with_one_message_naming_what_is_missing():
    with pytest.raises(UserFacingError) as exc:
        SPEC.recognise(["编号", "证件号码", "备注"], file_label="b.csv")
    assert exc.value.message == (
        "文件 b.csv 的表头不是可识别的格式：看起来是其他系统的导出表，但缺少列 识别时间。"
        "可直接导入的导出表有：某系统导出表；也可按测试表格式（见空白模板）整理后导入。")


def test_a_month_or_a_date():
    col = Column("日期", kind=Kind.MONTH_OR_DATE)
    assert col.parse("202403") == dt.date(2024, 3, 1)
    assert col.parse("2024-03-15") == dt.date(2024, 3, 15)
