"""The nine department lists (formats.md, "Department lists"): one definition per source.

Each source is a list of `Field`s. The same definition drives the column spec
(header aliases, the blank template), the parsing of cells into the generic
columns of `Fact`, and the column names of the snapshot table `dept_<source>`
the rules read. Every list also has `身份证号` and `姓名`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gonggu.core.departments import Department
from gonggu.dataio.columns import Column, ColumnSpec, Kind

ID_ALIASES = ("身份证号码", "公民身份号码", "证件号码", "证件号")
HOUSEHOLD_ID_ALIASES = (*ID_ALIASES, "户主身份证号", "户主身份证号码")


@dataclass(frozen=True)
class Field:
    column: str                 # canonical header (formats.md)
    store: str                  # column of the Fact model it is kept in
    name: str                   # column name in the snapshot table dept_<source>
    kind: str                   # enum | text | date | year | amount | months
    required: bool = False      # the header must be present and the cell filled
    values: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    # Other spellings of values people write, mapped to the canonical value.
    value_aliases: dict[str, str] = field(default_factory=dict)
    help: str = ""


@dataclass(frozen=True)
class SourceDef:
    key: str
    title: str                  # list name shown to people
    department: str             # core.departments.Department value
    fields: tuple[Field, ...]
    household_level: bool = False   # the number may be any member's (住建, 应急)
    per_year: bool = False          # latest fact per person *and year* (yb_expense)
    notes: tuple[str, ...] = ()

    @property
    def department_label(self) -> str:
        return Department(self.department).label

    @property
    def label(self) -> str:
        return f"{self.department_label}·{self.title}"

    @property
    def spec(self) -> ColumnSpec:
        id_aliases = HOUSEHOLD_ID_ALIASES if self.household_level else ID_ALIASES
        id_help = "18 位；15 位老号码自动升级；请设为文本格式"
        if self.household_level:
            id_help += "；可以是该户任一成员的号码"
        columns = [
            Column("身份证号", required=True, aliases=id_aliases, kind=Kind.ID_NUMBER, key="id_number", width=22,
                   help=id_help, example="410122195001011234"),
            Column("姓名", required=True, aliases=("人员姓名",) + (("户主姓名",) if self.household_level else ()),
                   kind=Kind.NAME, key="name", example="张三"),
        ]
        for f in self.fields:
            columns.append(Column(
                f.column, required=f.required, aliases=f.aliases, help=f.help, kind=_KINDS[f.kind],
                choices=f.values, synonyms=f.value_aliases, key=f.store, max_length=30,
                text=f.kind in ("enum", "text"), width=max(12, len(f.column) * 2 + 2),
                example=f.values[0] if f.values else _EXAMPLES.get(f.kind, "")))
        notes = (f"{self.department_label}部门提供：{self.title}。", *self.notes,
                 "日期可写作 2025-03-01、2025/3/1、2025年3月1日，或 Excel 日期单元格；金额可写作 1234.5、1,234.5、1234.5元，不能为负数。",
                 "身份证号不在农户台账中的行也会保存（计为未匹配），台账更新后自动重新匹配。",
                 DUPLICATE_NOTE_PER_YEAR if self.per_year else DUPLICATE_NOTE)
        return ColumnSpec(key=self.key, title=self.label, columns=tuple(columns), notes=notes)


DUPLICATE_NOTE = ("同一文件中同一身份证号出现多行：内容相同的合并为一行（提示）；内容不同的，后出现的行被拒收并指明与哪一行冲突。")
DUPLICATE_NOTE_PER_YEAR = ("同一文件中同一人同一年度出现多行（如多次住院）：金额相加合并为一行（提示）。")
_KINDS = {"enum": Kind.CHOICE, "text": Kind.TEXT, "date": Kind.DATE, "year": Kind.YEAR, "amount": Kind.AMOUNT,
          "months": Kind.MONTHS}
_EXAMPLES = {"date": "2025-03-01", "year": "2025", "amount": "1234.50", "months": "6", "text": ""}



# Digits and the usual Excel spellings of the grades.
_GRADE_ALIASES = {"1": "一级", "2": "二级", "3": "三级", "4": "四级",
                  "1级": "一级", "2级": "二级", "3级": "三级", "4级": "四级",
                  "壹级": "一级", "贰级": "二级", "叁级": "三级", "肆级": "四级"}
_HOUSE_ALIASES = {f"{g}级": g for g in "ABCD"} | {g.lower(): g for g in "ABCD"} | {f"{g.lower()}级": g for g in "ABCD"}

SOURCES: dict[str, SourceDef] = {s.key: s for s in (
    SourceDef(
        key="mz_assistance", title="低保特困等救助名单", department=Department.MZ,
        fields=(
            Field("救助类别", "category", "category", "enum", required=True,
                  values=("低保", "特困", "临时救助", "低保边缘"), aliases=("救助类型",),
                  value_aliases={"最低生活保障": "低保", "农村低保": "低保", "特困供养": "特困", "特困人员": "特困",
                                 "低保边缘家庭": "低保边缘"}),
            Field("状态", "status", "status", "enum", required=True, values=("在保", "停保"), aliases=("保障状态",)),
            Field("起始日期", "fact_date", "start_date", "date", aliases=("开始日期", "纳入日期")),
        ),
    ),
    SourceDef(
        key="yb_enrolment", title="基本医疗保险参保名单", department=Department.YB,
        fields=(
            Field("参保状态", "status", "status", "enum", required=True, values=("已参保", "未参保", "中断", "异地参保")),
            Field("参保年度", "year", "year", "year"),
        ),
    ),
    SourceDef(
        key="yb_expense", title="医疗费用名单", department=Department.YB, per_year=True,
        fields=(
            Field("年度", "year", "year", "year", required=True, aliases=("费用年度",)),
            Field("医疗总费用", "amount", "total_cost", "amount", aliases=("总费用",)),
            Field("政策范围内自付费用", "amount2", "self_pay", "amount", required=True, aliases=("个人自付",),
                  help="元，经基本医保、大病保险、医疗救助后政策范围内个人自付的年度合计"),
        ),
        notes=("同一人同一年度以最新一批中的该行为准。",),
    ),
    SourceDef(
        key="cl_disability", title="残疾人证名单", department=Department.CL,
        fields=(
            Field("残疾类别", "category", "category", "text"),
            Field("残疾等级", "grade", "grade", "enum", required=True, values=("一级", "二级", "三级", "四级"),
                  value_aliases=_GRADE_ALIASES, help="一级、二级、三级、四级（也可写 1–4）"),
            Field("发证日期", "fact_date", "issue_date", "date", required=True),
        ),
    ),
    SourceDef(
        key="zj_housing", title="农房安全鉴定名单", department=Department.ZJ, household_level=True,
        fields=(
            Field("鉴定等级", "grade", "grade", "enum", required=True, values=("A", "B", "C", "D"),
                  value_aliases=_HOUSE_ALIASES, help="A、B、C、D"),
            Field("鉴定日期", "fact_date", "appraisal_date", "date"),
        ),
        notes=("按户：身份证号可以是该户任一成员的号码；一户以最新一次鉴定为准。",),
    ),
    SourceDef(
        key="jy_student", title="学生就学名单", department=Department.JY,
        fields=(
            Field("学段", "category", "stage", "text"),
            Field("就学状态", "status", "status", "enum", required=True,
                  values=("在校", "辍学", "疑似辍学", "送教上门", "休学")),
        ),
    ),
    SourceDef(
        key="rs_employment", title="就业务工名单", department=Department.RS,
        fields=(
            Field("就业状态", "status", "status", "enum", required=True, values=("已就业", "失业", "返乡未就业")),
            Field("务工地点", "place", "work_place", "text", help="县内、省内县外、省外"),
            Field("务工月数", "months", "work_months", "months"),
        ),
    ),
    SourceDef(
        key="yj_disaster", title="受灾人员名单", department=Department.YJ, household_level=True,
        fields=(
            Field("灾害类型", "category", "disaster_type", "text"),
            Field("损失金额", "amount", "loss", "amount", required=True, aliases=("直接经济损失",)),
            Field("受灾日期", "fact_date", "disaster_date", "date", required=True, aliases=("灾害发生日期",)),
        ),
        notes=("按户：身份证号可以是该户任一成员的号码。",),
    ),
    SourceDef(
        key="ga_deregistration", title="户籍注销名单", department=Department.GA,
        fields=(
            Field("注销原因", "status", "reason", "enum", required=True, values=("死亡", "迁出", "其他")),
            Field("注销日期", "fact_date", "deregistration_date", "date"),
        ),
    ),
)}

# Intake formats of department lists are `dept.<source>`.
DEPT_PREFIX = "dept."
SOURCE_CHOICES = [(s.key, s.label) for s in SOURCES.values()]
# Columns of the Fact model that carry source values (the rest is bookkeeping).
FACT_VALUE_COLUMNS = ("category", "status", "grade", "fact_date", "year", "amount", "amount2", "months", "place")


def source_get(key: str) -> SourceDef:
    from gonggu.core.errors import UserFacingError

    source = SOURCES.get((key or "").strip())
    if source is None:
        known = "、".join(SOURCES)
        raise UserFacingError(f"未知的部门数据来源「{key}」：应为 {known} 之一。")
    return source


def sources_for_department(department: str) -> list[SourceDef]:
    return [s for s in SOURCES.values() if s.department == department]
