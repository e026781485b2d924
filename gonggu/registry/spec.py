"""The registry interchange format (formats.md, `registry`): one spec for template, import and export."""

from gonggu.dataio.columns import Column, ColumnSpec, Kind

from .choices import (
    DisabilityGrade,
    Health,
    HouseholdType,
    LabourAbility,
    MonitoringType,
    Relation,
    SchoolStatus,
    WorkPlace,
)


def _choice(name: str, choices, *, required: bool = False, help: str = "", example: str = "") -> Column:
    values = tuple(choices.values)
    return Column(name, required=required, kind=Kind.CHOICE, choices=values, help=help or "、".join(values),
                  example=example)


INCOME_COLUMNS = ("工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出")

# The registry's own staging (importing.stage, in DuckDB) reads these cells; the kinds and value lists here
# describe them for the template, the format page and the 退回表.
REGISTRY_SPEC = ColumnSpec(
    key="registry",
    title="农户台账",
    columns=(
        Column("行政区划代码", required=True, aliases=("村代码",), text=True, width=16, kind=Kind.CODE,
               help="12 位村级区划代码，须已导入", example="410122100201"),
        Column("户编号", required=True, text=True, width=18, help="县内唯一", example="H0001"),
        _choice("户类型", HouseholdType, required=True, example=HouseholdType.values[0]),
        _choice("监测对象类型", MonitoringType, help=f"户类型为监测户时填写：{'、'.join(MonitoringType.values)}"),
        _choice("与户主关系", Relation, required=True, example="户主"),
        Column("姓名", required=True, kind=Kind.NAME, example="张三"),
        Column("身份证号", required=True, aliases=("身份证号码", "公民身份号码", "证件号码", "证件号"), text=True, width=22,
               kind=Kind.ID_NUMBER, help="18 位；15 位老号码自动升级；请设为文本格式"),
        _choice("劳动能力", LabourAbility, required=True, example=LabourAbility.values[0]),
        _choice("健康状况", Health, required=True, example=Health.values[0]),
        _choice("残疾等级", DisabilityGrade, help=f"{'、'.join(DisabilityGrade.values)}（也可写 1–4）"),
        _choice("在校情况", SchoolStatus),
        Column("务工月数", kind=Kind.MONTHS, help="收入年度内务工月数，0–12 的整数", example="6"),
        _choice("务工地点", WorkPlace),
        Column("是否参加基本医疗保险", kind=Kind.BOOL, help="是、否", example="是"),
        Column("是否易地搬迁", kind=Kind.BOOL, help="是、否（按户）", example="否"),
        Column("收入年度", required=True, kind=Kind.YEAR, help="如 2024", example="2024"),
        *(Column(name, required=True, kind=Kind.AMOUNT, help="元，全户全年合计；户主行必填，其他成员行可空")
          for name in INCOME_COLUMNS),
    ),
    notes=(
        "每人一行；同一户的户类型应一致，且应有且只有一名户主。",
        "人均纯收入 =（工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出）÷ 家庭人口，保留两位小数。",
        "同一收入年度重复导入时按户编号和身份证号更新，不会重复；本次文件中缺少的成员会列出待确认，不会被删除。",
    ),
)
