"""The content items (考核内容) of each indicator of the 2025 system, as seed 002 附件2 lists them.

Each indicator's 内容 is a list of clauses separated by "；"; each clause is one item here. An item is
judged either by figures (computed from data, gonggu.assessment.figures) or — where the seed asks for
something no data in the platform shows (a meeting held, a document issued, a result handed down by the
province) — by evidence entered once (a file checked by content, its date, who entered it). No item takes a
typed number that data could give.

`from_indicator` items take every registered figure of their indicator not named by another item, so
figures added later for an indicator (整乡整村 risk, surveys) appear without editing this list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentItem:
    key: str                       # stable: "<indicator>-<n>"
    indicator: str
    title: str
    quote: str                     # the seed's clause
    figures: tuple[str, ...] = ()
    evidence: str = ""             # what to upload, for an evidence item
    from_indicator: bool = False

    @property
    def is_evidence(self) -> bool:
        return bool(self.evidence)


def _i(key, title, quote, *figures, evidence="", from_indicator=False) -> ContentItem:
    return ContentItem(key=key, indicator=key.split("-")[0], title=title, quote=quote, figures=tuple(figures),
                       evidence=evidence, from_indicator=from_indicator)


ITEMS_2025: tuple[ContentItem, ...] = (
    # 1 主体责任、部门责任、驻村帮扶责任
    _i("1-1", "党委政府研究部署", "党委政府巩固拓展脱贫攻坚成果责任压实、研究部署……等情况",
       evidence="党委常委会、政府常务会议研究部署巩固拓展脱贫攻坚成果的会议纪要"),
    _i("1-2", "领导调研督导", "……调研督导等情况", "LEADER-VISITS"),
    _i("1-3", "党委农村工作领导小组牵头抓总", "党委农村工作领导小组牵头抓总、统筹协调、督促落实等情况",
       evidence="党委农村工作领导小组会议纪要或督促落实文件"),
    _i("1-4", "行业部门按分工推动落实、跨部门数据交换", "各级行业部门按任务分工推动工作落实，以及加强跨部门间数据交换等工作协作情况",
       "DEPT-JOINT-MEETING"),
    _i("1-5", "选派和管理驻村干部及其履职尽责", "选派和管理驻村第一书记和工作队员及其履职尽责情况",
       "STATION-CADRES", "STATION-DUTY"),
    _i("1-6", "派出单位责任落实", "派出单位责任落实情况", "STATION-UNITS", "STATION-ASSIST-DAY"),
    # 2 三保障、饮水安全、兜底保障
    _i("2-1", "控辍保学、教育资助", "各地控辍保学、教育资助等情况", "EDU-DROPOUT", "EDU-LEDGERS"),
    _i("2-2", "乡村医疗服务、慢病签约", "乡村基本医疗服务、慢病签约服务、先诊疗后付费等情况", "HEALTH-LEDGERS"),
    _i("2-3", "基本医保参保和综合保障", "基本医保参保、分类参保资助、三重制度综合保障及高额医疗费用负担患者监测预警机制等情况",
       "MED-ENROLMENT"),
    _i("2-4", "危房改造、质量达标", "危房改造、质量达标等情况", "HOUSE-UNSAFE", "HOUSE-LEDGERS"),
    _i("2-5", "农村饮水安全", "农村饮水的水量、水质、用水方便程度和供水保证率，安全排查和问题动态清零、供水运行管护等情况",
       "WATER-SAFETY"),
    _i("2-6", "低保兜底和特困救助", "低保兜底和特困救助等情况", "WELFARE-LEDGERS"),
    # 3 帮扶产业和项目资产
    _i("3-1", "帮扶资金支持产业发展", "使用各类帮扶资金支持帮扶产业发展情况", "FUND-INDUSTRY"),
    _i("3-2", "“四个一批”分类处置", "按照“四个一批”(巩固、升级、盘活、调整)要求开展分类工作，推动帮扶产业项目盘活和调整工作成效情况",
       "INDUSTRY-FOUR-BATCH"),
    _i("3-3", "项目管护运营和联农带农", "帮扶产业项目管护运营和联农带农情况", "PROJECT-LINK-FARMERS"),
    _i("3-4", "项目资产管理", "项目资产(含光伏帮扶电站)摸底确权、登记入账、管理运维和收益分配等情况", "ASSET-MANAGEMENT"),
    _i("3-5", "脱贫人口小额信贷", "脱贫人口小额信贷政策落实情况", "CREDIT-POLICY"),
    # 4 稳岗就业
    _i("4-1", "务工就业目标任务", "2025 年度脱贫人口务工就业目标任务完成情况", "WORK-TARGET", "ZERO-EMPLOYMENT"),
    _i("4-2", "就业帮扶政策落实", "跨省务工交通补助、雨露计划、以工代赈、公益性岗位和就业帮扶车间等政策落实情况", "WORK-POLICIES"),
    _i("4-3", "重点群体动态监测", "对失业脱贫劳动力、雨露计划毕业生、返乡回流脱贫劳动力等重点群体开展动态监测和技能培训等就业帮扶政策落实情况",
       "WORK-RETURNED"),
    # 5 易地搬迁后续扶持
    _i("5-1", "搬迁户 1 户 1 人以上就业", "有劳动力且有就业意愿的搬迁脱贫户基本实现 1 户 1 人以上就业情况", "RELOC-EMPLOYMENT"),
    _i("5-2", "安置区设施建设运维", "基础设施、基本公共服务、产业配套设施等建议运维情况",
       evidence="安置区基础设施、公共服务和产业配套设施建设运维台账或验收材料"),
    _i("5-3", "安置社区治理和社会融入", "社区治理、社区安全和社会融入、社会事务等管理服务情况",
       evidence="安置社区治理、社会融入工作方案或记录"),
    # 6 扶志扶智
    _i("6-1", "“多干多补”奖补机制", "建立“多干多补、少千少补、不千不补”的奖补机制",
       evidence="“多干多补、少干少补、不干不补”奖补办法（文件）"),
    _i("6-2", "鼓励发展产业、参加就业（雨露计划）", "鼓励脱贫人口发展产业、参加就业等情况", "RAIN-DEW"),
    # 7 监测帮扶
    _i("7-1", "发现受理及识别纳入", "农户自主申报、基层干部日常走访、部门筛查预警发现受理及识别纳入情况",
       "MON-WARNING-VERIFIED", "MON-IDENTIFY-15D", "MON-CAMPAIGN"),
    _i("7-2", "帮扶特别是开发式帮扶措施落实", "监测对象帮扶特别是开发式帮扶措施落实情况",
       "MON-PLAN-10D", "MON-DEV-MEASURE", "MON-MEASURE-MATCH", "MON-VISIT-MONTHLY"),
    _i("7-3", "风险稳定消除", "返贫致贫风险稳定消除情况", "ELIM-QUALITY"),
    _i("7-4", "及时化解自然灾害等风险", "及时化解因自然灾害、农产品价格下行等返贫致贫风险情况", "DISASTER-RISK"),
    # 8 衔接资金
    _i("8-1", "衔接资金绩效评价结果", "直接使用省财政厅、农业农村厅对各设区市的财政衔接推进乡村振兴补助资金绩效评价结果",
       evidence="省财政厅、农业农村厅衔接资金绩效评价结果通报"),
    _i("8-2", "衔接资金使用管理自查", "财政衔接推进乡村振兴补助资金使用管理情况", "FUND-USE"),
    # 9 问题整改
    _i("9-1", "发现问题整改落实", "巩固拓展脱贫攻坚成果考核评估、审计、暗访等发现问题的整改落实情况", "RECT-DONE"),
    # 10 规模性返贫底线 (figures come from the risk module)
    _i("10-1", "整乡整村返贫致贫风险研判", "根据入户调查、数据分析和平时掌握情况，研判是否存在整乡整村返贫致贫风险",
       from_indicator=True),
    # 11 收入
    _i("11-1", "收入增速不低于本省", "2025 年脱贫地区农村居民人均可支配收入增速是否不低于本省……农村居民平均增速", "INCOME-GROWTH"),
    _i("11-2", "收入增速不低于全国", "……不低于……全国农村居民平均增速", "INCOME-GROWTH-NATION"),
    _i("11-3", "收入比值“两提升”", "脱贫人口人均纯收入与全国和全省农民收入的比值同比“两提升”（000、001）",
       "INCOME-RATIO-PROVINCE", "INCOME-RATIO-NATION"),
    _i("11-4", "两类群体和收入结构", "重点关注收入较低脱贫人口和收入同比下降脱贫人口“两类群体”……工资性收入、生产经营性收入占比（000、001）",
       "INCOME-LOW", "INCOME-DROP", "INCOME-STRUCTURE", "INCOME-RATIO-MONITORED"),
    # 12 认可度 (figures come from the surveys module)
    _i("12-1", "巩固脱贫成果群众认可度", "根据入户调查情况，综合测算各设区市巩固脱贫成果群众认可度", from_indicator=True),
)

ITEMS = {item.key: item for item in ITEMS_2025}


def items_of(indicator: str) -> list[ContentItem]:
    return [i for i in ITEMS_2025 if i.indicator == indicator]


def item_figures(item: ContentItem, registered: dict) -> list[str]:
    """The figure codes an item is judged by: its own, or every registered figure of its indicator not named
    by another item."""
    if not item.from_indicator:
        return list(item.figures)
    named = {code for other in ITEMS_2025 for code in other.figures}
    return [code for code, fig in registered.items() if fig.indicator == item.indicator and code not in named]
