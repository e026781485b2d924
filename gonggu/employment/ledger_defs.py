"""The employment ledgers: each a model plus the columns an office fills in (docs/ledgers.md)."""

from gonggu.core.departments import Department
from gonggu.dataio.columns import Kind
from gonggu.ledgers.kinds import LedgerKind, Match, field_column, register_ledger

from .checks import (
    check_attendance,
    check_public_posts,
    check_rain_dew,
    check_relocated_households,
    check_resettlement_sites,
    check_work_records,
    check_work_targets,
    check_workshop_workers,
    check_workshops,
)
from .models import (
    PostAttendance,
    PublicPost,
    RainDew,
    RelocatedHousehold,
    ResettlementSite,
    WorkRecord,
    Workshop,
    WorkshopWorker,
    WorkTarget,
)

PUBLIC_POST = register_ledger(LedgerKind(
    key="public_post", title="公益岗位台账", area="稳岗就业", model=PublicPost, match=Match.PERSON,
    description="乡村公益性岗位的安置人员：岗位、上岗与退岗日期、月补贴、协议与保险、第几次安置。",
    source="001 第三部分 四 稳岗就业（二）6；001 第三部分 四 稳岗就业（三）5",
    columns=(
        field_column(PublicPost, "post_name", aliases=("岗位", "公益岗位名称"), example="村级保洁员"),
        field_column(PublicPost, "post_type", aliases=("岗位类型",), example="保洁"),
        field_column(PublicPost, "start_date", aliases=("上岗时间", "安置日期", "聘用日期"), example="2025-03-01"),
        field_column(PublicPost, "end_date", aliases=("退岗时间", "离岗日期"), example=""),
        field_column(PublicPost, "monthly_subsidy", aliases=("岗位补贴", "月补贴", "补贴标准（元/月）"), example="1100"),
        field_column(PublicPost, "placement_no", kind=Kind.INT, aliases=("安置次数",), example="1"),
        field_column(PublicPost, "agreement", aliases=("是否签订协议", "岗位协议"), example="是"),
        field_column(PublicPost, "insured", aliases=("是否购买保险", "意外伤害保险"), example="是"),
    ),
    natural_key=("post_name", "start_date"),
    list_fields=("post_name", "start_date", "end_date", "monthly_subsidy", "agreement", "insured"),
    filter_fields=("agreement", "insured"),
    date_field="start_date",
    notes=("同一人同一岗位同一上岗日期为一条记录；退岗时填上退岗日期再导入即可更新。",),
    check_rows=check_public_posts,
))

POST_ATTENDANCE = register_ledger(LedgerKind(
    key="post_attendance", title="公益岗位考勤与补贴发放台账", area="稳岗就业", model=PostAttendance, match=Match.PERSON,
    description="公益岗位安置人员每月的出勤天数、应发与实发岗位补贴和发放日期（在岗领补、及时足额发放）。",
    source="001 第三部分 四 稳岗就业（三）5；000 工作落实方面 4 稳岗就业 4",
    columns=(
        field_column(PostAttendance, "post_name", aliases=("岗位", "公益岗位名称"), example="村级保洁员"),
        field_column(PostAttendance, "month", kind=Kind.YEAR_MONTH, aliases=("考勤月份", "年月"), example="2025-03"),
        field_column(PostAttendance, "days", kind=Kind.INT, aliases=("出勤天数（天）", "出勤"), example="22"),
        field_column(PostAttendance, "subsidy_due", aliases=("应发金额", "应发补贴"), example="1100"),
        field_column(PostAttendance, "subsidy_paid", aliases=("实发金额", "实发补贴"), example="1100"),
        field_column(PostAttendance, "paid_on", aliases=("发放时间",), example="2025-04-10"),
    ),
    natural_key=("post_name", "month"),
    list_fields=("post_name", "month", "days", "subsidy_due", "subsidy_paid", "paid_on"),
    date_field="month",
    notes=("每人每岗位每月一行；考勤月份须在公益岗位台账登记的聘用期内，一人同月只能在一个岗位。",
           "补贴尚未发放的，实发补贴和发放日期不填，发放后再导入即可更新。"),
    check_rows=check_attendance,
))

WORK_RECORD = register_ledger(LedgerKind(
    key="work_record", title="务工就业台账", area="稳岗就业", model=WorkRecord, match=Match.PERSON,
    description="每人每年度的务工月数、务工地点、就业方式和跨省一次性交通补助；按年度保存，不被下一年覆盖。",
    source="000 工作落实方面 4 稳岗就业 1、2；001 第三部分 四 稳岗就业（二）1、3",
    columns=(
        field_column(WorkRecord, "year", kind=Kind.YEAR, aliases=("务工年度",), example="2025"),
        field_column(WorkRecord, "months", kind=Kind.MONTHS, aliases=("务工时间（月）", "务工时长"), example="8"),
        field_column(WorkRecord, "place", aliases=("务工地域", "就业地点"),
                     synonyms={"县外省内": "省内县外", "省内县外务工": "省内县外", "跨省": "省外", "省外务工": "省外",
                               "县内务工": "县内"}, example="省外"),
        field_column(WorkRecord, "channel", aliases=("就业渠道", "就业形式"), example="外出务工"),
        field_column(WorkRecord, "employer", aliases=("务工单位名称", "就业单位"), example="某某电子厂"),
        field_column(WorkRecord, "transport_subsidy", aliases=("一次性交通补助", "交通补助金额"), example="500"),
        field_column(WorkRecord, "transport_paid_on", aliases=("交通补助发放时间",), example="2025-04-10"),
        field_column(WorkRecord, "source", aliases=("数据来源",), example="人社名单"),
    ),
    natural_key=("year",),
    list_fields=("year", "months", "place", "channel", "transport_subsidy", "source"),
    filter_fields=("year", "place", "source"),
    notes=("每人每年度一行；同一人同一年度再次导入时更新该年度的记录，其他年度的记录不变。",
           "务工月数 6 个月及以上为稳定务工。"),
    department=Department.RS,
    check_rows=check_work_records,
))

WORK_TARGET = register_ledger(LedgerKind(
    key="work_target", title="务工就业目标任务台账", area="稳岗就业", model=WorkTarget, match=Match.REGION,
    description="各乡镇（街道）年度脱贫人口务工就业目标任务人数，与务工就业台账中的实际务工人数对照。",
    source="000 工作落实方面 4 稳岗就业 1",
    columns=(
        field_column(WorkTarget, "year", kind=Kind.YEAR, aliases=("年度任务",), example="2025"),
        field_column(WorkTarget, "target", kind=Kind.INT, aliases=("目标任务", "目标人数"), example="1200"),
        field_column(WorkTarget, "note", example=""),
    ),
    natural_key=("year",),
    list_fields=("year", "target", "note"),
    filter_fields=("year",),
    notes=("每个乡镇每年度一行，行政区划代码填乡镇（街道）的 12 位代码。",),
    department=Department.RS,
    check_rows=check_work_targets,
))

WORKSHOP = register_ledger(LedgerKind(
    key="workshop", title="就业帮扶车间台账", area="稳岗就业", model=Workshop, match=Match.REGION,
    description="各村的就业帮扶车间、社区工厂：名称、经营主体、认定与停办日期、岗位数。",
    source="000 工作落实方面 4 稳岗就业 1；003 任务37",
    columns=(
        field_column(Workshop, "name", aliases=("帮扶车间名称", "名称"), example="某村服装加工帮扶车间"),
        field_column(Workshop, "kind", aliases=("车间类型",), example="就业帮扶车间"),
        field_column(Workshop, "operator", aliases=("经营主体名称", "企业名称"), example="某服饰有限公司"),
        field_column(Workshop, "recognised_on", aliases=("认定时间",), example="2023-05-01"),
        field_column(Workshop, "closed_on", aliases=("停办时间", "关停日期"), example=""),
        field_column(Workshop, "jobs", kind=Kind.INT, aliases=("就业岗位数",), example="40"),
    ),
    natural_key=("name",),
    list_fields=("name", "kind", "operator", "recognised_on", "closed_on", "jobs"),
    filter_fields=("kind",),
    date_field="recognised_on",
    notes=("行政区划代码填车间所在村（社区）的代码；同一县内车间名称不重复。",),
    department=Department.RS,
    check_rows=check_workshops,
))

WORKSHOP_WORKER = register_ledger(LedgerKind(
    key="workshop_worker", title="帮扶车间务工人员台账", area="稳岗就业", model=WorkshopWorker, match=Match.PERSON,
    description="在就业帮扶车间务工的人员：车间、入职与离职日期、月工资。",
    source="000 工作落实方面 4 稳岗就业 1；001 第三部分 一 防止返贫动态监测和帮扶（三）3",
    columns=(
        field_column(WorkshopWorker, "workshop_name", aliases=("帮扶车间名称", "车间"), example="某村服装加工帮扶车间"),
        field_column(WorkshopWorker, "start_date", aliases=("入职时间", "务工开始日期"), example="2025-03-01"),
        field_column(WorkshopWorker, "end_date", aliases=("离职时间",), example=""),
        field_column(WorkshopWorker, "monthly_wage", aliases=("月工资", "月收入"), example="2400"),
    ),
    natural_key=("workshop_name", "start_date"),
    list_fields=("workshop_name", "start_date", "end_date", "monthly_wage"),
    date_field="start_date",
    notes=("车间名称须与就业帮扶车间台账中本县的车间名称一致。",),
    department=Department.RS,
    check_rows=check_workshop_workers,
))

RAIN_DEW = register_ledger(LedgerKind(
    key="rain_dew", title="雨露计划补助台账", area="稳岗就业", model=RainDew, match=Match.PERSON,
    description="雨露计划职业教育补助学生：学年、学校、学历层次、补助与发放日期、毕业年度和毕业去向。",
    source="001 第三部分 四 稳岗就业（二）7",
    columns=(
        field_column(RainDew, "year", kind=Kind.YEAR, aliases=("学年", "补助年度"), example="2025"),
        field_column(RainDew, "school", aliases=("学校", "学校名称"), example="某县职业教育中心"),
        field_column(RainDew, "level", aliases=("就读层次", "学段"), synonyms={"中等职业教育": "中职", "高等职业教育": "高职",
                                                                          "技工学校": "技工院校"}, example="中职"),
        field_column(RainDew, "subsidy", aliases=("补助金额", "补助标准"), example="3000"),
        field_column(RainDew, "paid_on", aliases=("发放日期", "发放时间"), example="2025-11-20"),
        field_column(RainDew, "graduation_year", kind=Kind.YEAR, aliases=("毕业时间", "毕业年份"), example=""),
        field_column(RainDew, "destination", aliases=("去向", "就业情况"), synonyms={"已就业": "就业", "继续升学": "升学",
                                                                                "入伍": "参军"}, example=""),
    ),
    natural_key=("year",),
    list_fields=("year", "school", "level", "subsidy", "graduation_year", "destination"),
    filter_fields=("year", "level", "destination"),
    notes=("每名学生每学年一行；毕业后填毕业年度和毕业去向（就业、升学、参军、未就业），再导入即可更新。",),
    department=Department.NY,
    check_rows=check_rain_dew,
))

RESETTLEMENT_SITE = register_ledger(LedgerKind(
    key="resettlement_site", title="易地搬迁安置点台账", area="易地搬迁后续扶持", model=ResettlementSite,
    match=Match.REGION,
    description="各易地扶贫搬迁安置点（安置区）：类型、搬迁户数与人数、公共就业服务站（窗口）、养老服务设施面积。",
    source="001 第三部分 二 易地扶贫搬迁后续扶持（二）2、4",
    columns=(
        field_column(ResettlementSite, "name", aliases=("安置区名称", "名称"), example="城关镇幸福社区安置点"),
        field_column(ResettlementSite, "site_type", aliases=("安置区类型", "规模类型"), example="大中型"),
        field_column(ResettlementSite, "households", kind=Kind.INT, aliases=("安置户数", "户数"), example="260"),
        field_column(ResettlementSite, "persons", kind=Kind.INT, aliases=("安置人数", "人数"), example="1020"),
        field_column(ResettlementSite, "service_station", aliases=("公共就业服务站", "是否设立就业服务站"), example="是"),
        field_column(ResettlementSite, "care_area", aliases=("养老服务设施面积", "养老设施面积（平方米）"), example="80"),
    ),
    natural_key=("name",),
    list_fields=("name", "site_type", "households", "persons", "service_station", "care_area"),
    filter_fields=("site_type", "service_station"),
    notes=("行政区划代码填安置点所在村（社区）的代码；同一县内安置点名称不重复。",
           "800 人以上的安置点应设公共就业服务站或服务窗口；养老服务设施按每百户 30㎡ 配套。"),
    check_rows=check_resettlement_sites,
    links=(("安置点收入比值", "employment_site_income"),),
))

RELOCATED_HOUSEHOLD = register_ledger(LedgerKind(
    key="relocated_household", title="易地搬迁户后续扶持台账", area="易地搬迁后续扶持", model=RelocatedHousehold,
    match=Match.HOUSEHOLD,
    description="每个易地搬迁户的安置点、搬迁年度、致富产业和稳定就业人员（至少一项致富产业、一人稳定就业）。",
    source="004 任务34；001 第三部分 二 易地扶贫搬迁后续扶持（二）2",
    columns=(
        field_column(RelocatedHousehold, "site_name", aliases=("安置区名称", "安置点"), example="城关镇幸福社区安置点"),
        field_column(RelocatedHousehold, "moved_year", kind=Kind.YEAR, aliases=("搬迁年份", "搬迁时间"), example="2018"),
        field_column(RelocatedHousehold, "industry", aliases=("产业", "增收产业"), example="食用菌种植"),
        field_column(RelocatedHousehold, "worker_name", aliases=("稳定就业人员姓名", "就业人员"), example="张三"),
        field_column(RelocatedHousehold, "job", aliases=("就业岗位", "就业方式"), example="帮扶车间"),
    ),
    natural_key=("site_name",),
    list_fields=("site_name", "moved_year", "industry", "worker_name", "job"),
    filter_fields=("moved_year",),
    notes=("每户一行，身份证号填该户任一成员的；安置点名称须与易地搬迁安置点台账中本县的名称一致。",
           "稳定就业人员填本户在册成员的姓名；没有致富产业或稳定就业人员的留空（规则会列出）。"),
    check_rows=check_relocated_households,
))
