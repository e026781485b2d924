"""The registry interchange format (formats.md, `registry`): one spec for template, import and export."""

from gonggu.dataio.columns import Column, ColumnSpec

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


def _values(choices) -> str:
    return "、".join(choices.values)


INCOME_COLUMNS = ("工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出")

REGISTRY_SPEC = ColumnSpec(
    key="registry",
    title="农户台账",
    columns=(
        Column("行政区划代码", required=True, aliases=("村代码",), text=True, width=16, help="12 位村级区划代码，须已导入"),
        Column("户编号", required=True, text=True, width=18, help="县内唯一"),
        Column("户类型", required=True, help=_values(HouseholdType)),
        Column("监测对象类型", help=f"户类型为监测户时填写：{_values(MonitoringType)}"),
        Column("与户主关系", required=True, help=_values(Relation)),
        Column("姓名", required=True),
        Column("身份证号", required=True, aliases=("身份证号码", "公民身份号码", "证件号码", "证件号"), text=True, width=22,
               help="18 位；15 位老号码自动升级；请设为文本格式"),
        Column("劳动能力", required=True, help=_values(LabourAbility)),
        Column("健康状况", required=True, help=_values(Health)),
        Column("残疾等级", help=f"{_values(DisabilityGrade)}（也可写 1–4）"),
        Column("在校情况", help=_values(SchoolStatus)),
        Column("务工月数", help="收入年度内务工月数，0–12 的整数"),
        Column("务工地点", help=_values(WorkPlace)),
        Column("是否参加基本医疗保险", help="是、否"),
        Column("是否易地搬迁", help="是、否（按户）"),
        Column("收入年度", required=True, help="如 2024"),
        *(Column(name, required=True, help="元，全户全年合计；户主行必填，其他成员行可空") for name in INCOME_COLUMNS),
    ),
    notes=(
        "每人一行；同一户的户类型应一致，且应有且只有一名户主。",
        "人均纯收入 =（工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出）÷ 家庭人口，保留两位小数。",
        "同一收入年度重复导入时按户编号和身份证号更新，不会重复；本次文件中缺少的成员会列出待确认，不会被删除。",
    ),
)
