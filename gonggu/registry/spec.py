"""The registry interchange format (formats.md, `registry`): one spec for template, import and export."""

from dataclasses import replace

from gonggu.dataio.columns import Column, ColumnSpec, Dialect, Kind

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


# --- the national system's exports (formats.md extension, docs/intake.md) -------------------------------------
#
# The 防返贫监测信息系统 exports its 基础信息表 of 脱贫户 and of 监测对象 with its own headers and values, no region
# code but the names of 县 / 乡(镇) / 行政村, and no income columns. The import reads them as they are: the
# headers and values below map onto the registry's columns; the names are resolved against the region tree
# (gonggu.regions.names); every other column is kept with the household or the person (`extra`) and shown on
# the household page under 其他信息.

_GRADES = ("一", "二", "三", "四", "五", "六")
_SCHOOL_VALUES = {
    "学龄前儿童": "非在校生", "已毕业": "非在校生", "失学辍学": "辍学", "幼儿园": "学前教育",
    **{f"小学{g}年级": "小学" for g in _GRADES}, **{f"{g}年级": "小学" for g in _GRADES},
    **{f"{g}年级": "初中" for g in ("七", "八", "九")}, **{f"初{g}": "初中" for g in ("一", "二", "三")},
    **{f"初中{g}年级": "初中" for g in ("一", "二", "三")}, **{f"高{g}": "高中" for g in ("一", "二", "三")},
    **{f"高中{g}年级": "高中" for g in ("一", "二", "三")}, "普通高中": "高中",
    **{f"中职{g}年级": "中职" for g in ("一", "二", "三")}, "中专": "中职", "技工学校": "中职",
    **{f"高职{g}年级": "高职" for g in ("一", "二", "三")}, "大专": "高职", "高职高专": "高职",
    **{f"本科{g}年级": "大学" for g in _GRADES[:5]}, "本科": "大学", "研究生": "大学", "硕士研究生": "大学",
    "博士研究生": "大学",
}
_RELATION_VALUES = {
    "之子": "子", "儿子": "子", "之女": "女", "女儿": "女", "之儿媳": "儿媳", "之女婿": "女婿", "之孙子": "孙子",
    "之孙女": "孙女", "之外孙子": "孙子", "之外孙女": "孙女", "之父": "父亲", "之母": "母亲",
    "之兄弟姐妹": "兄弟姐妹", **{f"之{x}": "兄弟姐妹" for x in ("兄", "弟", "姐", "妹", "兄弟", "姐妹")},
    **{f"之{x}": "其他" for x in ("岳父", "岳母", "公公", "婆婆", "祖父", "祖母", "外祖父", "外祖母", "曾孙子",
                                  "曾孙女", "侄子", "侄女", "孙媳妇", "其他")},
}
_NATIONAL_VALUES = {
    "与户主关系": _RELATION_VALUES,
    "劳动能力": {"弱劳动力": "弱劳动力或半劳动力", "半劳动力": "弱劳动力或半劳动力", "丧失劳动能力": "丧失劳动力",
             "无劳动能力": "无劳动力"},
    "在校情况": _SCHOOL_VALUES,
    "健康状况": {"大病": "患有大病", "慢性病": "长期慢性病"},
    "残疾等级": {f"{g}级残疾": f"{g}级" for g in _GRADES[:4]},
    "户类型": {"一般户": "一般农户", "建档立卡户": "脱贫户"},
    # A household not (or no longer) monitored: the cell is left empty.
    "监测对象类型": {"脱贫不稳定": "脱贫不稳定户", "边缘易致贫": "边缘易致贫户", "突发严重困难": "突发严重困难户",
               "无": "", "否": "", "非监测对象": ""},
}
_NATIONAL_HEADERS = {
    "劳动能力": ("劳动技能",),
    "在校情况": ("在校生状况",),
    "务工月数": ("务工时间（月）", "务工时间"),
    "身份证号": ("证件号码",),
    "监测对象类型": ("监测对象类别", "易返贫致贫户(监测对象)类型"),
    "是否参加基本医疗保险": ("是否参加城乡居民基本医疗保险", "是否参加基本医疗保险"),
}
REGION_NAME_COLUMNS = (
    Column("县", aliases=("县(市、区、旗)", "县(市、区)", "县(区)", "县区", "县市区"), help="县（市、区）名称"),
    Column("乡镇", aliases=("乡(镇)", "乡(镇、街道)", "乡镇(街道)"), help="乡（镇）名称"),
    Column("行政村", help="行政村名称，在系统的行政区划中查找"),
)
# Columns kept with the household (the rest are the person's).
_HOUSEHOLD_KEPT = (
    "省", "市", "自然村", "人数", "致贫原因", "户联系电话", "危房户", "是否解决安全饮用水", "人均纯收入",
    "人均纯收入（元）", "首次识别时间", "脱贫年度", "风险识别时间", "识别监测时间", "风险是否消除", "风险是否已消除",
    "风险消除时间", "消除监测时间", "风险消除方式", *(f"致贫/返贫风险{i}" for i in range(1, 6)),
)
_ID_HEADERS = ("证件号码", "身份证号码", "身份证号")
_NO_INCOME = ("行政区划代码", "收入年度", *INCOME_COLUMNS)

NATIONAL_LIFTED = Dialect(
    key="national.lifted", title="国家防返贫监测信息系统导出的脱贫人口基础信息表",
    signature=("户编号", "人编号", _ID_HEADERS, "劳动技能", "行政村"),
    headers=_NATIONAL_HEADERS, values=_NATIONAL_VALUES, defaults={"户类型": "脱贫户"}, optional=_NO_INCOME,
    columns=REGION_NAME_COLUMNS, household_columns=_HOUSEHOLD_KEPT,
)
NATIONAL_MONITORED = Dialect(
    key="national.monitored", title="国家防返贫监测信息系统导出的监测对象基础信息表",
    signature=("户编号", _ID_HEADERS, ("监测对象类别", "易返贫致贫户(监测对象)类型"), ("风险识别时间", "识别监测时间"),
               "行政村"),
    headers=_NATIONAL_HEADERS, values=_NATIONAL_VALUES, defaults={"户类型": "监测户"}, optional=_NO_INCOME,
    columns=REGION_NAME_COLUMNS, household_columns=_HOUSEHOLD_KEPT,
)
REGISTRY_SPEC = replace(REGISTRY_SPEC, dialects=(NATIONAL_LIFTED, NATIONAL_MONITORED))
