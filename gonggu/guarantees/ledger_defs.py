"""The ledgers of 三保障和饮水安全: each a model plus the columns an office fills in (docs/ledgers.md)."""

from gonggu.dataio.columns import Kind
from gonggu.ledgers.kinds import LedgerKind, Match, field_column, per_row, register_ledger

from . import checks
from .models import (
    DropoutFile,
    DropoutScreening,
    HealthService,
    HomeTeachingVisit,
    HouseInspection,
    HousingRenovation,
    IdleDangerousHouse,
    Persuasion,
    SeriousIllness,
    VillageClinic,
    VillageWater,
    WaterProblem,
    WaterTraining,
)

AREA = "三保障和饮水安全"


def _col(model, name, example="", **kw):
    return field_column(model, name, example=example, **kw)


RENOVATION = register_ledger(LedgerKind(
    key="renovation", title="危房改造台账", area=AREA, model=HousingRenovation, match=Match.HOUSEHOLD,
    description="C级、D级危房和无房户的改造：个人申请、村级评议、乡镇审核、县级审批、施工、竣工验收、补助拨付、销号。",
    source="001 第二部分 三、住房安全；003 任务17；004 任务22",
    columns=(
        _col(HousingRenovation, "plan_year", "2025", kind=Kind.YEAR, aliases=("年度", "改造年度")),
        _col(HousingRenovation, "grade", "D级", aliases=("危房等级", "鉴定结果"), synonyms={"C": "C级", "D": "D级"}),
        _col(HousingRenovation, "renovation_type", "拆除重建", aliases=("改造类型",),
             synonyms={"加固": "维修加固", "重建": "拆除重建", "新建（无房户）": "新建"}),
        _col(HousingRenovation, "household_size", "3", kind=Kind.INT, aliases=("家庭人口", "人口数")),
        _col(HousingRenovation, "status", "已申请", aliases=("状态", "进度"), required=False),
        _col(HousingRenovation, "applied_on", "2025-03-01", aliases=("申请时间",)),
        _col(HousingRenovation, "village_reviewed_on", "2025-03-08", aliases=("村级评议时间",)),
        _col(HousingRenovation, "township_reviewed_on", "2025-03-15", aliases=("乡镇审核时间",)),
        _col(HousingRenovation, "county_approved_on", "2025-03-25", aliases=("县级审批时间",)),
        _col(HousingRenovation, "started_on", "2025-04-10", aliases=("开工时间",)),
        _col(HousingRenovation, "completed_on", "2025-07-20", aliases=("竣工时间",)),
        _col(HousingRenovation, "floor_area", "45", kind=Kind.AMOUNT, aliases=("面积", "建筑面积"),
             help="平方米；维修加固的可不填"),
        _col(HousingRenovation, "subsidy", "40000", aliases=("批准补助金额", "补助标准")),
        _col(HousingRenovation, "accepted_on", "2025-07-28", aliases=("验收时间", "竣工验收日期")),
        _col(HousingRenovation, "moved_in_on", "2025-08-05", aliases=("入住时间",)),
        _col(HousingRenovation, "old_house_demolished", "是", aliases=("旧房是否拆除",)),
        _col(HousingRenovation, "paid_on", "2025-08-20", aliases=("拨付时间",)),
        _col(HousingRenovation, "paid_amount", "40000", aliases=("拨付金额",)),
        _col(HousingRenovation, "paid_to_card", "是", aliases=("是否拨付至一卡通",)),
        _col(HousingRenovation, "closed_on", "", aliases=("销号时间",)),
        _col(HousingRenovation, "note", "", aliases=("说明",)),
    ),
    natural_key=("plan_year",),
    list_fields=("plan_year", "grade", "renovation_type", "status", "accepted_on", "paid_amount"),
    filter_fields=("plan_year", "grade", "renovation_type", "status"),
    date_field="applied_on",
    department="zj",
    check_rows=per_row(checks.renovation_check),
    procedure="renovation_procedure",
    locked_fields=("status", "village_reviewed_on", "township_reviewed_on", "county_approved_on", "subsidy", "started_on",
                   "completed_on", "accepted_on", "paid_on", "paid_amount", "paid_to_card", "closed_on"),
    notes=("一户一年度一条记录。各环节在记录页逐步办理；导入时各环节日期须按先后顺序，办理环节须有此前各环节的日期。",),
))

DROPOUT = register_ledger(LedgerKind(
    key="dropout", title="控辍保学台账", area=AREA, model=DropoutFile, match=Match.PERSON,
    description="辍学、疑似辍学学生一生一表一档案：劝返、复学、报联合劝返、批准延缓入学或休学、超龄销号。",
    source="001 第二部分 一(二)1；004 任务14",
    columns=(
        _col(DropoutFile, "found_on", "2025-03-05", aliases=("发现时间", "排查日期")),
        _col(DropoutFile, "kind", "疑似辍学", aliases=("辍学类别",)),
        _col(DropoutFile, "school", "城关镇第一初级中学", aliases=("学校",)),
        _col(DropoutFile, "grade_level", "初二"),
        _col(DropoutFile, "reason", "厌学"),
        _col(DropoutFile, "status", "劝返中", required=False, aliases=("状态",)),
        _col(DropoutFile, "returned_on", "", aliases=("复学时间",)),
        _col(DropoutFile, "reported_on", ""),
        _col(DropoutFile, "approved_on", ""),
        _col(DropoutFile, "approved_by", ""),
        _col(DropoutFile, "closed_on", ""),
    ),
    natural_key=("found_on",),
    list_fields=("found_on", "kind", "school", "status", "returned_on"),
    filter_fields=("kind", "status"),
    date_field="found_on",
    department="jy",
    check_rows=per_row(checks.dropout_check),
    procedure="dropout_procedure",
    locked_fields=("status", "returned_on", "reported_on", "approved_on", "approved_by", "closed_on"),
))

PERSUASION = register_ledger(LedgerKind(
    key="persuasion", title="劝返记录", area=AREA, model=Persuasion, match=Match.PERSON,
    description="每一次劝返：日期、劝返人员、是否联合劝返、结果（劝返佐证资料）。",
    source="001 第二部分 一(二)1②③；000 教育帮扶 1",
    columns=(
        _col(Persuasion, "persuaded_on", "2025-03-08", aliases=("劝返时间",)),
        _col(Persuasion, "joint", "否", aliases=("是否联合劝返",)),
        _col(Persuasion, "persuaders", "张老师、村支书李某", aliases=("参与人员",)),
        _col(Persuasion, "outcome", "未复学", aliases=("结果",)),
        _col(Persuasion, "content", "入户做家长工作"),
    ),
    natural_key=("persuaded_on",),
    list_fields=("persuaded_on", "joint", "persuaders", "outcome"),
    filter_fields=("joint", "outcome"),
    date_field="persuaded_on",
    department="jy",
    check_rows=per_row(checks.persuasion_check),
))

HOME_TEACHING = register_ledger(LedgerKind(
    key="home_teaching", title="送教上门服务台账", area=AREA, model=HomeTeachingVisit, match=Match.PERSON,
    description="6-15周岁重度残疾儿童少年的每一次送教上门：日期、课时、教师、内容。",
    source="001 第二部分 一(二)4；004 任务15",
    columns=(
        _col(HomeTeachingVisit, "visited_on", "2025-03-12", aliases=("送教时间",)),
        _col(HomeTeachingVisit, "class_hours", "3", kind=Kind.INT, aliases=("课时",)),
        _col(HomeTeachingVisit, "teacher", "王老师", aliases=("教师",)),
        _col(HomeTeachingVisit, "content", "语文识字、生活自理训练"),
    ),
    natural_key=("visited_on",),
    list_fields=("visited_on", "class_hours", "teacher", "content"),
    date_field="visited_on",
    department="jy",
    check_rows=per_row(checks.home_teaching_check),
    notes=("送教对象须为送教日 6-15 周岁的义务教育阶段儿童少年。",),
))

VILLAGE_WATER = register_ledger(LedgerKind(
    key="village_water", title="村饮水安全台账", area=AREA, model=VillageWater, match=Match.REGION,
    description="每村每年的供水方式和水量、方便程度、供水保证率、水质四项标准，村水管员和水费收缴。",
    source="001 第二部分 四、安全饮水；004 任务24–26",
    columns=(
        _col(VillageWater, "year", "2025", kind=Kind.YEAR),
        _col(VillageWater, "supply_mode", "集中供水"),
        _col(VillageWater, "litres_per_day", "60", kind=Kind.AMOUNT, help="升/人·日"),
        _col(VillageWater, "low_rain", "否"),
        _col(VillageWater, "fetch_minutes", "", kind=Kind.AMOUNT, help="分钟；通自来水的不填"),
        _col(VillageWater, "fetch_distance_m", "", kind=Kind.AMOUNT, help="米"),
        _col(VillageWater, "fetch_height_m", "", kind=Kind.AMOUNT, help="米"),
        _col(VillageWater, "short_days", "0", kind=Kind.INT, help="全年供水不足的天数"),
        _col(VillageWater, "quality_ok", "是"),
        _col(VillageWater, "quality_tested_on", "2025-05-10"),
        _col(VillageWater, "manager", "李水管"),
        _col(VillageWater, "fee_rate", "96.5", kind=Kind.AMOUNT, help="百分数，如 96.5"),
    ),
    natural_key=("year",),
    list_fields=("year", "supply_mode", "litres_per_day", "short_days", "quality_ok", "manager"),
    filter_fields=("year", "supply_mode", "quality_ok"),
    department="sl",
    check_rows=per_row(checks.water_check),
))

WATER_PROBLEM = register_ledger(LedgerKind(
    key="water_problem", title="饮水安全问题台账", area=AREA, model=WaterProblem, match=Match.REGION,
    description="排查发现的饮水安全问题：发现、整改措施和时限、销号及佐证（动态清零）。",
    source="001 第二部分 四；000 饮水安全保障",
    columns=(
        _col(WaterProblem, "found_on", "2025-04-02"),
        _col(WaterProblem, "category", "水量"),
        _col(WaterProblem, "description", "三组管网末端夏季水压不足"),
        _col(WaterProblem, "deadline", "2025-05-31"),
        _col(WaterProblem, "measure", "更换加压泵"),
        _col(WaterProblem, "closed_on", ""),
        _col(WaterProblem, "evidence", ""),
        _col(WaterProblem, "household_id_number", "", kind=Kind.ID_NUMBER, width=22, aliases=("农户身份证号", "户主身份证号")),
    ),
    natural_key=("found_on", "category", "household_id_number"),
    list_fields=("found_on", "category", "description", "deadline", "closed_on", "household_id_number"),
    filter_fields=("category",),
    date_field="found_on",
    department="sl",
    check_rows=checks.water_problem_rows,
    notes=("只涉及一户的问题（入户水管、自家水井等）填该户任一成员的身份证号，该户须在所填村；该户是监测对象的，问题销号前不能"
           "办理风险消除。",),
))

HEALTH_SERVICE = register_ledger(LedgerKind(
    key="health_service", title="家庭医生签约和慢病管理台账", area=AREA, model=HealthService, match=Match.PERSON,
    description="卫健部门的名单：家庭医生签约、四种慢性病患者和最近一次随访。",
    source="001 第二部分 二(二)2①；000 健康帮扶 4",
    columns=(
        _col(HealthService, "year", "2025", kind=Kind.YEAR),
        _col(HealthService, "signed_on", "2025-01-15", aliases=("签约时间",)),
        _col(HealthService, "doctor", "张医生", aliases=("家庭医生", "签约医生")),
        _col(HealthService, "chronic_disease", "高血压", aliases=("慢病病种", "慢性病"),
             synonyms={"精神障碍": "严重精神障碍", "肺结核": "结核病"}),
        _col(HealthService, "last_follow_up_on", "2025-05-20", aliases=("最近随访日期", "随访日期")),
    ),
    natural_key=("year",),
    list_fields=("year", "signed_on", "doctor", "chronic_disease", "last_follow_up_on"),
    filter_fields=("year", "chronic_disease"),
    date_field="signed_on",
    department="wj",
    check_rows=per_row(checks.health_check),
))

VILLAGE_CLINIC = register_ledger(LedgerKind(
    key="village_clinic", title="村卫生室台账", area=AREA, model=VillageClinic, match=Match.REGION,
    description="每村每年：是否设有村卫生室（或可不单设）、业务用房面积、公有产权、持证注册的村医。",
    source="001 第二部分 二(二)1；000 健康帮扶 3",
    columns=(
        _col(VillageClinic, "year", "2025", kind=Kind.YEAR),
        _col(VillageClinic, "has_clinic", "是"),
        _col(VillageClinic, "exempt", "否"),
        _col(VillageClinic, "building_area", "96", kind=Kind.AMOUNT, help="平方米"),
        _col(VillageClinic, "public_owned", "是"),
        _col(VillageClinic, "licensed_doctors", "2", kind=Kind.INT),
    ),
    natural_key=("year",),
    list_fields=("year", "has_clinic", "building_area", "public_owned", "licensed_doctors"),
    filter_fields=("year", "has_clinic", "public_owned"),
    department="wj",
    check_rows=per_row(checks.clinic_check),
))

HOUSE_INSPECTION = register_ledger(LedgerKind(
    key="house_inspection", title="住房安全排查台账", area=AREA, model=HouseInspection, match=Match.HOUSEHOLD,
    description="日常巡查、走访摸排发现的住房安全隐患，及其（重新）鉴定。",
    source="001 第二部分 三(二)1②、2；三(三)2；004 任务21",
    columns=(
        _col(HouseInspection, "inspected_on", "2025-04-03", aliases=("排查时间",)),
        _col(HouseInspection, "inspector", "村监测员李某", aliases=("排查人",)),
        _col(HouseInspection, "hazard", "东墙出现贯通裂缝", aliases=("隐患情况",)),
        _col(HouseInspection, "previous_grade", "B"),
        _col(HouseInspection, "appraised_on", "2025-04-20", aliases=("鉴定日期",)),
        _col(HouseInspection, "appraisal_grade", "C", aliases=("鉴定等级",)),
    ),
    natural_key=("inspected_on",),
    list_fields=("inspected_on", "hazard", "previous_grade", "appraised_on", "appraisal_grade"),
    filter_fields=("previous_grade", "appraisal_grade"),
    date_field="inspected_on",
    department="zj",
    check_rows=per_row(checks.inspection_check),
))

IDLE_HOUSE = register_ledger(LedgerKind(
    key="idle_house", title="废弃危旧房台账", area=AREA, model=IdleDangerousHouse, match=Match.HOUSEHOLD,
    description="长期无人居住的危房：警示标识、专人定期查看、是否有人居住、拆除。",
    source="004 任务23",
    columns=(
        _col(IdleDangerousHouse, "listed_on", "2025-03-01"),
        _col(IdleDangerousHouse, "grade", "D"),
        _col(IdleDangerousHouse, "warning_posted", "是"),
        _col(IdleDangerousHouse, "checker", "村监测员李某"),
        _col(IdleDangerousHouse, "last_checked_on", "2025-06-01"),
        _col(IdleDangerousHouse, "occupied", "否"),
        _col(IdleDangerousHouse, "demolished_on", ""),
    ),
    natural_key=("listed_on",),
    list_fields=("listed_on", "grade", "warning_posted", "last_checked_on", "occupied", "demolished_on"),
    filter_fields=("grade", "warning_posted", "occupied"),
    date_field="listed_on",
    department="zj",
    check_rows=per_row(checks.idle_house_check),
))

WATER_TRAINING = register_ledger(LedgerKind(
    key="water_training", title="水管员培训台账", area=AREA, model=WaterTraining, match=Match.REGION,
    description="县级、镇级组织的水管员培训（县级每年2次以上，镇级每年3次以上）。",
    source="004 任务25",
    columns=(
        _col(WaterTraining, "held_on", "2025-04-15"),
        _col(WaterTraining, "level", "镇级"),
        _col(WaterTraining, "trainees", "18", kind=Kind.INT),
        _col(WaterTraining, "topic", "消毒设施运行和管网巡检"),
    ),
    natural_key=("held_on", "level"),
    list_fields=("held_on", "level", "trainees", "topic"),
    filter_fields=("level",),
    date_field="held_on",
    department="sl",
    check_rows=per_row(checks.training_check),
    notes=("县级培训填县的行政区划代码，镇级培训填乡镇的代码。",),
))

SERIOUS_ILLNESS = register_ledger(LedgerKind(
    key="serious_illness", title="大病专项救治台账", area=AREA, model=SeriousIllness, match=Match.PERSON,
    description="卫健部门的名单：30种大病的确诊、定点医院和救治。",
    source="001 第二部分 二(二)2③；000 健康帮扶 4",
    columns=(
        _col(SeriousIllness, "disease", "脑卒中", aliases=("大病病种",), synonyms={"中风": "脑卒中", "白内障": "老年性白内障"}),
        _col(SeriousIllness, "diagnosed_on", "2025-03-02", aliases=("确诊时间",)),
        _col(SeriousIllness, "hospital", "县人民医院"),
        _col(SeriousIllness, "treated_on", "2025-03-05", aliases=("救治时间", "入院日期")),
    ),
    natural_key=("disease", "diagnosed_on"),
    list_fields=("disease", "diagnosed_on", "hospital", "treated_on"),
    filter_fields=("disease",),
    date_field="diagnosed_on",
    department="wj",
    check_rows=per_row(checks.illness_check),
))

DROPOUT_SCREENING = register_ledger(LedgerKind(
    key="dropout_screening", title="疑似辍学学生排查台账", area=AREA, model=DropoutScreening, match=Match.REGION,
    region_example="410122101000",
    description="每季度每个乡镇的疑似辍学学生排查：日期、排查人员、覆盖的学校和适龄儿童少年、发现的辍学学生（各建一档）。",
    source="001 第二部分 一(二)1②；000 教育帮扶 1",
    columns=(
        _col(DropoutScreening, "screened_on", "2025-03-20", aliases=("排查时间",)),
        _col(DropoutScreening, "screeners", "中心校李校长、乡教办王某", aliases=("参与人员",)),
        _col(DropoutScreening, "schools", "6", kind=Kind.INT, aliases=("学校数",)),
        _col(DropoutScreening, "children", "1320", kind=Kind.INT, aliases=("适龄儿童少年人数", "排查人数")),
        _col(DropoutScreening, "found", "1", kind=Kind.INT, aliases=("发现辍学人数", "疑似辍学人数")),
        _col(DropoutScreening, "note", "逐校核对学籍和在校名单"),
    ),
    natural_key=("screened_on",),
    list_fields=("screened_on", "screeners", "schools", "children", "found"),
    date_field="screened_on",
    department="jy",
    check_rows=per_row(checks.screening_check),
    notes=("按乡镇登记：行政区划代码填乡镇的代码。每季度至少一次；发现的辍学、疑似辍学学生在控辍保学台账中各建一档。",),
))
