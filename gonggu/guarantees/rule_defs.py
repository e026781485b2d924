"""Rules over the 三保障和饮水安全 ledgers (kind "ledger", 台账核查): each quotes the seed passage it checks.

They read the snapshot tables `ledger_renovation`, `ledger_dropout`, `ledger_persuasion`, `ledger_home_teaching`,
`ledger_village_water` and `ledger_water_problem` (gonggu.rules.ledger_tables), and the 住建 list
(`dept_zj_housing`) for houses appraised C or D. A figure on a page reads their findings, never recomputes them.
"""

from gonggu.rules.catalog import ParamDef, RuleDef, register_param, register_rule

S001 = "001 第二部分"
REPAIR_MAX, REBUILD_MAX = "house_subsidy_repair_max", "house_subsidy_rebuild_max"
PAY_DAYS = "house_payment_days"
PERSUADE_DAYS = "dropout_persuade_days"
TREAT_DAYS = "serious_illness_treat_days"
REAPPRAISE_DAYS, IDLE_CHECK_DAYS = "house_reappraise_days", "idle_house_check_days"

register_param(ParamDef(
    REPAIR_MAX, "危房维修加固每户补助上限", default="18000", unit="元",
    description="农村危房改造维修加固原则上每户不高于1.8万元（001 第二部分 三(二)3④）。", minimum="0"))
register_param(ParamDef(
    REBUILD_MAX, "危房拆除重建、选址新建每户补助上限", default="50000", unit="元",
    description="拆除重建或选址新建原则上每户不高于5万元（001 第二部分 三(二)3④）。", minimum="0"))
register_param(ParamDef(
    PAY_DAYS, "竣工验收后拨付补助的期限", default="30", unit="天", integer=True, minimum="1",
    description="种子只要求“及时足额”发放补助资金，未给天数；默认验收合格后 30 天内拨付，可按本县规定调整。"))
register_param(ParamDef(
    PERSUADE_DAYS, "发现辍学后完成三次劝返的期限", default="30", unit="天", integer=True, minimum="1",
    description="种子要求劝返不少于三次，未给天数；默认发现后 30 天内应劝返三次，可按本县规定调整。"))

register_param(ParamDef(
    REAPPRAISE_DAYS, "排查发现隐患后完成鉴定的期限", default="30", unit="天", integer=True, minimum="1",
    description="种子只要求“及时”开展安全鉴定，未给天数；默认排查发现隐患后 30 天内鉴定，可按本县规定调整。"))
register_param(ParamDef(
    IDLE_CHECK_DAYS, "闲置危房定期查看的间隔", default="90", unit="天", integer=True, minimum="1",
    description="种子要求“安排专人定期进行查看”，未给间隔；默认每 90 天至少查看一次，可按本县规定调整。"))

register_param(ParamDef(
    TREAT_DAYS, "大病确诊后开始救治的期限", default="30", unit="天", integer=True, minimum="1",
    description="种子要求“及时做好”病例核准和分类救治，未给天数；默认确诊后 30 天内开始救治，可按本县规定调整。"))

_AREA_MIN = ("CASE WHEN r.household_size <= 1 THEN 20 WHEN r.household_size = 2 THEN 30 "
             "WHEN r.household_size = 3 THEN 40 ELSE 13 * r.household_size END")
_BUILT = "r.renovation_type IN ('拆除重建', '选址新建', '新建')"
_UNPAID = "(r.paid_amount IS NULL OR (r.subsidy IS NOT NULL AND r.paid_amount < r.subsidy) OR NOT r.paid_to_card)"


def _txt(expr: str) -> str:
    return f"CAST({expr} AS VARCHAR)"


def _house(code, title, source, source_text, description, sql, *, grade="orange", params=(), tables=()):
    register_rule(RuleDef(code=code, title=title, kind="ledger", source=source, source_text=source_text,
                          grade=grade, risk_type="住房安全", params=params,
                          tables=("ledger_renovation", *tables), description=description, sql=sql))


# --- 住房安全 -------------------------------------------------------------------------------------------

_house(
    "HOUSE-NOT-PLANNED", "鉴定为C级、D级危房未列入改造", f"{S001} 三(二)3①",
    "对经鉴定住房确属C级或D级或无房户的农村低收入群体等重点对象列为年度农村危房改造对象。",
    "住建部门名单中农户最新一次鉴定为 C 级或 D 级（鉴定日期不晚于检查基准日），而危房改造台账中没有该户鉴定年度及以后"
    "的改造记录（不予列入的不算）。",
    f"""
    WITH latest AS (
      SELECT p.household_id, z.grade, z.appraisal_date,
             ROW_NUMBER() OVER (PARTITION BY p.household_id
                                ORDER BY z.as_of DESC, z.batch_id DESC, z.row_number DESC) AS rn
      FROM dept_zj_housing z JOIN persons p ON p.id_number = z.id_number
      WHERE z.as_of <= {{as_of}})
    SELECT l.household_id, CAST(NULL AS VARCHAR) AS id_number,
           '住建部门鉴定为 ' || l.grade || ' 级危房（' || COALESCE({_txt('l.appraisal_date')}, '鉴定日期不详')
             || '），危房改造台账中没有改造记录' AS detail,
           l.grade AS ev_grade, l.appraisal_date AS ev_appraised_on
    FROM latest l
    LEFT JOIN (SELECT household_id, MAX(plan_year) AS last_year FROM ledger_renovation
               WHERE status <> '不予列入' GROUP BY household_id) r ON r.household_id = l.household_id
    WHERE l.rn = 1 AND l.grade IN ('C', 'D')
      AND (r.last_year IS NULL OR (l.appraisal_date IS NOT NULL AND r.last_year < year(l.appraisal_date)))
    """,
    grade="red", tables=("dept_zj_housing", "persons"),
)

_house(
    "HOUSE-AREA-LOW", "新建、重建住房面积低于标准", f"{S001} 三(二)3③",
    "③拆除重建或选址新建的房屋建筑面积,1人户不低于20平方米、2人户不低于30平方米、3人户不低于40平方米,3人以上户"
    "人均面积不低于13平方米。",
    "拆除重建、选址新建或新建且已竣工（竣工日期不晚于基准日）的，建筑面积未登记，或低于：1人户 20㎡、2人户 30㎡、"
    "3人户 40㎡、3人以上户 13㎡×人数。",
    f"""
    SELECT r.household_id, r.id_number,
           CAST(r.household_size AS VARCHAR) || '人户' || r.renovation_type || '，建筑面积 '
             || COALESCE({_txt('r.floor_area')} || '㎡', '未登记') || '，应不低于 '
             || CAST({_AREA_MIN} AS VARCHAR) || '㎡' AS detail,
           r.floor_area AS ev_floor_area, r.household_size AS ev_household_size
    FROM ledger_renovation r
    WHERE {_BUILT} AND r.completed_on IS NOT NULL AND r.completed_on <= {{as_of}}
      AND (r.floor_area IS NULL OR r.floor_area < {_AREA_MIN})
    """,
)

_house(
    "HOUSE-SUBSIDY-OVER", "危房改造补助超过分类分级标准", f"{S001} 三(二)3④",
    "④实行分类分级补助政策,农村危房改造维修加固原则上每户不高于1.8万元,拆除重建或选址新建原则上每户不高于5万元。",
    "维修加固的补助金额高于「危房维修加固每户补助上限」，拆除重建、选址新建或新建的高于「危房拆除重建、选址新建每户补助上限」。",
    f"""
    SELECT r.household_id, r.id_number,
           r.renovation_type || '补助 ' || {_txt('r.subsidy')} || ' 元，高于每户 '
             || {_txt(f"CAST(CASE WHEN r.renovation_type = '维修加固' THEN {{{REPAIR_MAX}}} ELSE {{{REBUILD_MAX}}} END AS DECIMAL(10, 0))")}
             || ' 元的标准' AS detail,
           r.subsidy AS ev_subsidy
    FROM ledger_renovation r
    WHERE r.subsidy IS NOT NULL
      AND r.subsidy > CASE WHEN r.renovation_type = '维修加固' THEN {{{REPAIR_MAX}}} ELSE {{{REBUILD_MAX}}} END
    """,
    grade="yellow", params=(REPAIR_MAX, REBUILD_MAX),
)

_house(
    "HOUSE-MOVED-IN-EARLY", "未经竣工验收即入住", f"{S001} 三(二)4；三(三)4",
    "改造或重建完成后,组织相关部门、镇村、农户等有关人员开展竣工验收,达不到竣工验收标准的整改复验通过后才能投入使用。",
    "入住日期不晚于基准日，而没有竣工验收合格日期或入住早于验收合格。",
    f"""
    SELECT r.household_id, r.id_number,
           '入住于 ' || {_txt('r.moved_in_on')} || '，' ||
             CASE WHEN r.accepted_on IS NULL OR r.accepted_on > {{as_of}} THEN '尚未通过竣工验收'
                  ELSE '竣工验收合格于 ' || {_txt('r.accepted_on')} END AS detail,
           r.moved_in_on AS ev_moved_in_on, r.accepted_on AS ev_accepted_on
    FROM ledger_renovation r
    WHERE r.moved_in_on IS NOT NULL AND r.moved_in_on <= {{as_of}}
      AND (r.accepted_on IS NULL OR r.accepted_on > {{as_of}} OR r.moved_in_on < r.accepted_on)
    """,
    grade="red",
)

_house(
    "HOUSE-OLD-NOT-DEMOLISHED", "选址新建未拆除原危房（建新拆旧）", f"{S001} 三(三)3",
    "没有 “建新拆旧”。实施选址新建的,没有按规定拆除原来危房,群众仍日常使用。",
    "选址新建的已竣工验收合格（验收日期不晚于基准日），原危房未登记拆除。",
    f"""
    SELECT r.household_id, r.id_number,
           '选址新建于 ' || {_txt('r.accepted_on')} || ' 验收合格，原危房未拆除' AS detail,
           r.accepted_on AS ev_accepted_on
    FROM ledger_renovation r
    WHERE r.renovation_type = '选址新建' AND r.accepted_on IS NOT NULL AND r.accepted_on <= {{as_of}}
      AND NOT r.old_house_demolished
    """,
)

_house(
    "HOUSE-SUBSIDY-UNPAID", "竣工验收后补助未及时足额拨付至一卡通", f"{S001} 三(三)5",
    "补助资金发放不及时不到位。没有及时足额将补助资金发放至农户 “一卡通”账户,存在挤占挪用、截留滞留等问题。",
    "竣工验收合格已超过「竣工验收后拨付补助的期限」（验收日期 < 基准日 − 期限），补助未拨付、拨付金额少于批准金额，"
    "或未拨付至一卡通。",
    f"""
    SELECT r.household_id, r.id_number,
           '竣工验收合格于 ' || {_txt('r.accepted_on')} || '，' ||
             CASE WHEN r.paid_amount IS NULL THEN '补助未拨付'
                  WHEN NOT r.paid_to_card THEN '补助未拨付至一卡通'
                  ELSE '已拨付 ' || {_txt('r.paid_amount')} || ' 元，少于批准的 ' || {_txt('r.subsidy')} || ' 元' END
             AS detail,
           r.subsidy AS ev_subsidy, r.paid_amount AS ev_paid_amount
    FROM ledger_renovation r
    WHERE r.accepted_on IS NOT NULL AND r.accepted_on < days_before({{as_of}}, {{{PAY_DAYS}}}) AND {_UNPAID}
    """,
    params=(PAY_DAYS,),
)

_house(
    "HOUSE-CLOSED-UNSOLVED", "住房安全问题未解决即销号", "003 任务17",
    "建立住房安全问题工作台账，实行解决一户、销号一户的销号制度，确保所有保障对象住房安全。",
    "销号日期不晚于基准日，而没有竣工验收合格、补助未足额拨付至一卡通，或选址新建的原危房未拆除。",
    f"""
    SELECT r.household_id, r.id_number,
           '已于 ' || {_txt('r.closed_on')} || ' 销号，但' ||
             CASE WHEN r.accepted_on IS NULL THEN '没有竣工验收合格'
                  WHEN {_UNPAID} THEN '补助未足额拨付至一卡通'
                  ELSE '原危房未拆除' END AS detail,
           r.closed_on AS ev_closed_on
    FROM ledger_renovation r
    WHERE r.closed_on IS NOT NULL AND r.closed_on <= {{as_of}}
      AND (r.accepted_on IS NULL OR {_UNPAID} OR (r.renovation_type = '选址新建' AND NOT r.old_house_demolished))
    """,
    grade="red",
)


_house(
    "HOUSE-REAPPRAISE", "排查发现隐患未及时鉴定", f"{S001} 三(三)2",
    "鉴定不及时。对排查出来的疑似危房,没有及时进行安全鉴定,或安全鉴定周期时间长;以往鉴定为安全的住房又出现新的安全"
    "隐患,未重新进行鉴定。",
    "住房安全排查台账中排查发现隐患已超过「排查发现隐患后完成鉴定的期限」（排查日期 < 基准日 − 期限），在基准日仍没有（重新）"
    "鉴定。",
    f"""
    SELECT r.household_id, r.id_number,
           CAST(r.inspected_on AS VARCHAR) || ' 排查发现「' || r.hazard || '」'
             || CASE WHEN r.previous_grade IN ('A', 'B') THEN '（原鉴定为 ' || r.previous_grade || ' 级）' ELSE '' END
             || '，至今未' || CASE WHEN r.previous_grade <> '' THEN '重新' ELSE '' END || '鉴定' AS detail,
           r.inspected_on AS ev_inspected_on
    FROM ledger_house_inspection r
    WHERE r.inspected_on < days_before({{as_of}}, {{{REAPPRAISE_DAYS}}})
      AND (r.appraised_on IS NULL OR r.appraised_on > {{as_of}})
    """,
    params=(REAPPRAISE_DAYS,), tables=("ledger_house_inspection",),
)

IDLE_TEXT = ("妥善处置废弃危旧房。全面摸清长期无人居住危房底数，建立台账，积极动员农户拆除闲置危房，一时无法拆除的，落实好警示"
             "措施。安排专人定期进行查看，确保闲置危房无人居住。")
_IDLE_STANDING = "r.listed_on <= {as_of} AND (r.demolished_on IS NULL OR r.demolished_on > {as_of})"

_house(
    "IDLE-HOUSE-OCCUPIED", "闲置危房有人居住", "004 任务23", IDLE_TEXT,
    "废弃危旧房台账中未拆除（基准日未拆除）的危房登记为有人居住。",
    f"""
    SELECT r.household_id, r.id_number, r.grade || ' 级闲置危房有人居住' AS detail, r.grade AS ev_grade
    FROM ledger_idle_house r WHERE {_IDLE_STANDING} AND r.occupied
    """,
    grade="red", tables=("ledger_idle_house",),
)

_house(
    "IDLE-HOUSE-UNWATCHED", "闲置危房未设警示或未定期查看", "004 任务23", IDLE_TEXT,
    "废弃危旧房台账中未拆除的危房没有警示标识、没有定期查看人员，或最近查看日期早于基准日 − 「闲置危房定期查看的间隔」"
    "（或从未查看）。",
    f"""
    SELECT r.household_id, r.id_number,
           r.grade || ' 级闲置危房' ||
             CASE WHEN NOT r.warning_posted THEN '未设置警示标识'
                  WHEN r.checker = '' THEN '没有定期查看人员'
                  ELSE '最近查看为 ' || COALESCE(CAST(r.last_checked_on AS VARCHAR), '（从未查看）') END AS detail,
           r.last_checked_on AS ev_last_checked_on
    FROM ledger_idle_house r
    WHERE {_IDLE_STANDING}
      AND (NOT r.warning_posted OR r.checker = '' OR r.last_checked_on IS NULL
           OR r.last_checked_on < days_before({{as_of}}, {{{IDLE_CHECK_DAYS}}}))
    """,
    grade="yellow", params=(IDLE_CHECK_DAYS,), tables=("ledger_idle_house",),
)


# --- 控辍保学、送教上门 -----------------------------------------------------------------------------------

# Persuasion counts per file, by joins (Spark does not take a correlated count with a range condition).
_COUNTS = """
    WITH c AS (
      SELECT d.row_id,
             SUM(CASE WHEN p.persuaded_on <= {as_of} THEN 1 ELSE 0 END) AS so_far,
             SUM(CASE WHEN p.persuaded_on <= d.reported_on THEN 1 ELSE 0 END) AS before_report,
             SUM(CASE WHEN p.joint AND p.persuaded_on >= COALESCE(d.reported_on, d.found_on)
                       AND p.persuaded_on <= d.approved_on THEN 1 ELSE 0 END) AS joint_before_approval
      FROM ledger_dropout d
      LEFT JOIN ledger_persuasion p ON p.id_number = d.id_number AND p.persuaded_on >= d.found_on
      GROUP BY d.row_id)
"""

register_rule(RuleDef(
    code="DROPOUT-PERSUADE-3", title="辍学学生劝返不足三次", kind="ledger",
    source=f"{S001} 一(二)1②；一(三)1②",
    source_text="②各地教育行政部门要每季度开展一次疑似辍学学生排查整改工作,及时将劝返不少于三次仍不复学的辍学学生情况"
                "报县级人民政府联合劝返工作组,做到 “一生一表一档案”。",
    grade="orange", risk_type="义务教育", params=(PERSUADE_DAYS,),
    tables=("ledger_dropout", "ledger_persuasion"),
    description="仍在劝返中、发现已超过「发现辍学后完成三次劝返的期限」的，发现以来的劝返记录少于 3 次；或已报县联合劝返"
                "工作组（及其后各环节）的，上报前的劝返记录少于 3 次。",
    sql=f"""{_COUNTS}
    SELECT d.household_id, d.id_number,
           CASE WHEN d.reported_on IS NULL
                THEN '发现' || d.kind || '（' || {_txt('d.found_on')} || '）以来劝返 '
                     || CAST(COALESCE(c.so_far, 0) AS VARCHAR) || ' 次，不足三次'
                ELSE '报县联合劝返工作组（' || {_txt('d.reported_on')} || '）前只劝返 '
                     || CAST(COALESCE(c.before_report, 0) AS VARCHAR) || ' 次' END AS detail,
           d.found_on AS ev_found_on
    FROM ledger_dropout d JOIN c ON c.row_id = d.row_id
    WHERE d.found_on <= {{as_of}} AND (
          (d.status = '劝返中' AND d.found_on < days_before({{as_of}}, {{{PERSUADE_DAYS}}})
           AND COALESCE(c.so_far, 0) < 3)
       OR (d.reported_on IS NOT NULL AND d.reported_on <= {{as_of}} AND COALESCE(c.before_report, 0) < 3))
    """,
))

register_rule(RuleDef(
    code="DROPOUT-DEFER-IRREGULAR", title="未经联合劝返三次以上并批准即办理延缓入学、休学", kind="ledger",
    source=f"{S001} 一(二)1③；一(三)1④",
    source_text="③对少数经相关部门联合劝返三次以上或经司法部门判决裁定监护人已履行相应法定义务,但学生本人拒不返校的辍学"
                "学生,报县级人民政府或乡村振兴工作领导小组批准同意后,可认定为达到 “义务教育有保障”退出条件,办理延缓入学"
                "或休学手续,并继续做好劝返复学、超龄后的离校标注和台账销号工作,实现闭环管理。",
    grade="orange", risk_type="义务教育",
    tables=("ledger_dropout", "ledger_persuasion"),
    description="办理情况为已批准延缓入学或休学、或已销号的档案：没有批准日期或批准机关，或批准前（上报联合劝返工作组以后）"
                "的联合劝返记录少于 3 次。",
    sql=f"""{_COUNTS}
    SELECT d.household_id, d.id_number,
           CASE WHEN d.approved_on IS NULL OR d.approved_by = '' THEN '办理延缓入学或休学没有批准记录'
                ELSE '批准延缓入学或休学（' || {_txt('d.approved_on')} || '）前联合劝返 '
                     || CAST(COALESCE(c.joint_before_approval, 0) AS VARCHAR) || ' 次，不足三次' END AS detail,
           d.status AS ev_status
    FROM ledger_dropout d JOIN c ON c.row_id = d.row_id
    WHERE d.status IN ('已批准延缓入学或休学', '已销号') AND d.found_on <= {{as_of}}
      AND (d.approved_on IS NULL OR d.approved_by = '' OR COALESCE(c.joint_before_approval, 0) < 3)
    """,
))

# The month before the as-of date's month: a whole month, so a visit later in the current month is not missed.
_PREV_Y = "CASE WHEN month({as_of}) = 1 THEN year({as_of}) - 1 ELSE year({as_of}) END"
_PREV_M = "CASE WHEN month({as_of}) = 1 THEN 12 ELSE month({as_of}) - 1 END"

register_rule(RuleDef(
    code="HOME-TEACH-MONTHLY", title="送教上门每月不足2次、每次3课时", kind="ledger",
    source=f"{S001} 一(二)4；004 任务15",
    source_text="原则上每个服务对象每月提供上门教育不少于2次,每次3个课时,并建立学教档案。",
    grade="yellow", risk_type="义务教育",
    tables=("ledger_home_teaching",),
    description="送教对象（基准日所在月之前 3 个月内有送教记录的学生）在基准日上一个自然月里，3 课时及以上的送教少于 2 次。",
    sql=f"""
    WITH targets AS (
      SELECT household_id, id_number FROM ledger_home_teaching
      WHERE visited_on < make_date(year({{as_of}}), month({{as_of}}), 1)
        AND visited_on >= days_before(make_date(year({{as_of}}), month({{as_of}}), 1), 92)
      GROUP BY household_id, id_number),
    last_month AS (
      SELECT id_number, COUNT(*) AS visits FROM ledger_home_teaching
      WHERE year(visited_on) = {_PREV_Y} AND month(visited_on) = {_PREV_M} AND class_hours >= 3
      GROUP BY id_number)
    SELECT t.household_id, t.id_number,
           CAST({_PREV_Y} AS VARCHAR) || '年' || CAST({_PREV_M} AS VARCHAR) || '月送教上门（3课时及以上）'
             || CAST(COALESCE(m.visits, 0) AS VARCHAR) || ' 次，少于2次' AS detail,
           COALESCE(m.visits, 0) AS ev_visits
    FROM targets t LEFT JOIN last_month m ON m.id_number = t.id_number
    WHERE COALESCE(m.visits, 0) < 2
    """,
))


# --- 饮水安全 (one finding per village, its latest year not after the as-of date) ------------------------

_LATEST_WATER = """
    WITH w AS (
      SELECT v.*, ROW_NUMBER() OVER (PARTITION BY v.region_code ORDER BY v.year DESC) AS rn
      FROM ledger_village_water v WHERE v.year <= year({as_of}))
"""
WATER_2 = ("2.开展安全饮水动态排查。①对脱贫地区、供水条件薄弱地区的农村供水工程运行和村民饮水状况进行定期排查,建立饮水"
           "安全问题台账,做到农村供水风险隐患动态清零。")


def _water(code, title, source, source_text, description, where, detail, *, grade="orange", ev=""):
    register_rule(RuleDef(
        code=code, title=title, kind="ledger", source=source, source_text=source_text, grade=grade,
        risk_type="饮水安全", tables=("ledger_village_water",), description=description,
        sql=f"""{_LATEST_WATER}
        SELECT w.region_code, CAST(w.year AS VARCHAR) || '年' || {detail} AS detail{ev}
        FROM w WHERE w.rn = 1 AND ({where})
        """))


_water(
    "WATER-QUANTITY-LOW", "饮水水量不达标", f"{S001} 四(二)2②",
    "②确保农户家中水量达标,对年均降水量不低于800mm且年人均水资源量不低于1000m3 的地区,每人每日消耗的水量不低于40L;"
    "对于年均降水量不足800mm或年人均水资源量不足1000m3 的地区,每人每日消耗的水量不低于20L。",
    "村最近一年（不晚于基准日所在年）的人均日供水量低于 40 升；执行 20 升标准的（降水或水资源不足地区）低于 20 升。",
    "w.litres_per_day < CASE WHEN w.low_rain THEN 20 ELSE 40 END",
    "'人均日供水量 ' || CAST(w.litres_per_day AS VARCHAR) || ' 升，低于 ' "
    "|| CASE WHEN w.low_rain THEN '20' ELSE '40' END || ' 升'",
    ev=", w.litres_per_day AS ev_litres_per_day",
)
_water(
    "WATER-FETCH-FAR", "用水方便程度不达标", f"{S001} 四(二)2③",
    "③用水方便程度达标,未供水入户的,人力取水往返时间不超过10min或取水水平距离不超过400m、垂直距离不超过40m。",
    "村最近一年登记了取水情况（未供水入户）且：取水往返时间超过 10 分钟（或未登记），并且水平距离超过 400 米或垂直距离"
    "超过 40 米（或未登记）。",
    "(w.fetch_minutes IS NOT NULL OR w.fetch_distance_m IS NOT NULL OR w.fetch_height_m IS NOT NULL)"
    " AND COALESCE(w.fetch_minutes, 9999) > 10"
    " AND (COALESCE(w.fetch_distance_m, 99999) > 400 OR COALESCE(w.fetch_height_m, 9999) > 40)",
    "'取水往返 ' || COALESCE(CAST(w.fetch_minutes AS VARCHAR) || ' 分钟', '时间未登记') || '，水平距离 '"
    " || COALESCE(CAST(w.fetch_distance_m AS VARCHAR) || ' 米', '未登记') || '、垂直距离 '"
    " || COALESCE(CAST(w.fetch_height_m AS VARCHAR) || ' 米', '未登记')",
)
_water(
    "WATER-SHORT-DAYS", "供水保证率不达标", f"{S001} 四(二)2④",
    "④供水保障率达标,一般为一年中水量不足的天数低于18天的属于达标。",
    "村最近一年水量不足的天数为 18 天及以上。",
    "w.short_days >= 18",
    "'全年缺水 ' || CAST(w.short_days AS VARCHAR) || ' 天（应低于18天）'",
    ev=", w.short_days AS ev_short_days",
)
_water(
    "WATER-QUALITY", "水质不达标或未检测", f"{S001} 四(二)2⑤；四(三)2",
    "供水水质不达标。水源地水质差,水体有明显杂质、异味等,水质未鉴定或鉴定不及时。",
    "村最近一年水质不达标，或没有水质检测日期，或最近一次检测早于基准日前 365 天。",
    "NOT w.quality_ok OR w.quality_tested_on IS NULL OR w.quality_tested_on < days_before({as_of}, 365)",
    "CASE WHEN NOT w.quality_ok THEN '水质不达标' WHEN w.quality_tested_on IS NULL THEN '没有水质检测记录'"
    " ELSE '最近一次水质检测为 ' || CAST(w.quality_tested_on AS VARCHAR) || '，已超过一年' END",
    grade="red",
)
_water(
    "WATER-MANAGEMENT", "未配备水管员或水费收缴率低于95%", "004 任务25",
    "一村配备一名水管员，定期对水利设施做好安全巡检、维护、检修和保养，按要求定期对水源投放氯制剂消毒、检查消毒设施运行"
    "情况。完善水管员考核监督奖惩机制，实行动态管理。加强水管员培训，县级每年开展2次以上，镇级每年开展3次以上。完善供水"
    "水费收缴制度，年内全县农村供水工程实现全部收费且水费收缴率达到95%以上。",
    "村最近一年没有登记水管员，或水费收缴率未登记或低于 95%。",
    "w.manager = '' OR w.fee_rate IS NULL OR w.fee_rate < 95",
    "CASE WHEN w.manager = '' THEN '未配备水管员' ELSE '水费收缴率 ' || COALESCE(CAST(w.fee_rate AS VARCHAR) || '%',"
    " '未登记') || '，低于95%' END",
    grade="yellow",
)

register_rule(RuleDef(
    code="WATER-TRAINING-TOWNSHIP", title="镇级水管员培训全年不足3次", kind="ledger",
    source="004 任务25", source_text="加强水管员培训，县级每年开展2次以上，镇级每年开展3次以上。", grade="yellow",
    risk_type="饮水安全", tables=("ledger_village_water", "ledger_water_training"),
    description="上一年度（基准日所在年的前一年）有村饮水台账的乡镇，该年镇级水管员培训少于 3 次。发现记在乡镇上。",
    sql="""
    WITH townships AS (
      SELECT DISTINCT substr(region_code, 1, 9) AS township FROM ledger_village_water WHERE year = year({as_of}) - 1),
    held AS (
      SELECT substr(region_code, 1, 9) AS township, COUNT(*) AS sessions FROM ledger_water_training
      WHERE level = '镇级' AND year(held_on) = year({as_of}) - 1 GROUP BY substr(region_code, 1, 9))
    SELECT t.township || '000' AS region_code,
           CAST(year({as_of}) - 1 AS VARCHAR) || '年镇级水管员培训 ' || CAST(COALESCE(h.sessions, 0) AS VARCHAR)
             || ' 次，少于3次' AS detail,
           COALESCE(h.sessions, 0) AS ev_sessions
    FROM townships t LEFT JOIN held h ON h.township = t.township
    WHERE COALESCE(h.sessions, 0) < 3
    """,
))

register_rule(RuleDef(
    code="WATER-PROBLEM-OPEN", title="饮水安全问题逾期未清零", kind="ledger",
    source=f"{S001} 四(二)2①", source_text=WATER_2, grade="orange", risk_type="饮水安全",
    tables=("ledger_water_problem",),
    description="饮水安全问题台账中发现日期不晚于基准日、整改时限早于基准日，而在基准日仍未销号（没有销号日期或销号晚于基准日）。",
    sql="""
    SELECT q.region_code,
           q.category || '问题（' || CAST(q.found_on AS VARCHAR) || ' 发现）：' || q.description || '，整改时限 '
             || CAST(q.deadline AS VARCHAR) || '，仍未销号' AS detail,
           q.deadline AS ev_deadline
    FROM ledger_water_problem q
    WHERE q.found_on <= {as_of} AND q.deadline < {as_of} AND (q.closed_on IS NULL OR q.closed_on > {as_of})
    """,
))


# --- 健康 ---------------------------------------------------------------------------------------------------

HEALTH_2 = ("①持续做好一般脱贫户和 “三类户”家庭医生签约服务工作,做到应签尽签,有签约资料和履约记录。重点做好高血压、"
            "糖尿病、结核病、严重精神障碍等四种慢性病患者的规范管理和健康服务,每季度开展一次随访。")
# The first day of the quarter before the as-of date's quarter: a follow-up since then covers the last whole quarter.
_PREV_Q_START = ("make_date(CASE WHEN quarter({as_of}) = 1 THEN year({as_of}) - 1 ELSE year({as_of}) END, "
                 "CASE WHEN quarter({as_of}) = 1 THEN 10 ELSE (quarter({as_of}) - 2) * 3 + 1 END, 1)")
_Q_START = "make_date(year({as_of}), (quarter({as_of}) - 1) * 3 + 1, 1)"

register_rule(RuleDef(
    code="HEALTH-FOLLOWUP-QUARTER", title="慢病患者上一季度未随访", kind="ledger",
    source=f"{S001} 二(二)2①", source_text=HEALTH_2, grade="yellow", risk_type="基本医疗",
    tables=("ledger_health_service",),
    description="基准日所在年度台账中登记了四种慢性病之一、在本季度之前已签约的患者，最近一次随访早于上一季度初（或没有随访）。",
    sql=f"""
    SELECT h.household_id, h.id_number,
           h.chronic_disease || '患者最近一次随访为 ' || COALESCE(CAST(h.last_follow_up_on AS VARCHAR), '（无）')
             || '，上一季度（' || CAST({_PREV_Q_START} AS VARCHAR) || ' 起）未随访' AS detail,
           h.last_follow_up_on AS ev_last_follow_up_on
    FROM ledger_health_service h
    WHERE h.year = year({{as_of}}) AND h.chronic_disease <> ''
      AND h.signed_on IS NOT NULL AND h.signed_on < {_Q_START}
      AND (h.last_follow_up_on IS NULL OR h.last_follow_up_on < {_PREV_Q_START})
    """,
))

register_rule(RuleDef(
    code="HEALTH-CHRONIC-UNSIGNED", title="慢病患者未签约家庭医生", kind="ledger",
    source=f"{S001} 二(二)2①；000 健康帮扶 4", source_text=HEALTH_2, grade="orange", risk_type="基本医疗",
    tables=("ledger_health_service",),
    description="基准日所在年度台账中登记了慢性病的人员没有签约日期，或签约晚于基准日（慢病签约应签尽签）。",
    sql="""
    SELECT h.household_id, h.id_number, h.chronic_disease || '患者本年度未签约家庭医生' AS detail,
           h.chronic_disease AS ev_disease
    FROM ledger_health_service h
    WHERE h.year = year({as_of}) AND h.chronic_disease <> '' AND (h.signed_on IS NULL OR h.signed_on > {as_of})
    """,
))

CLINIC_1 = ("①动态监测脱贫县和脱贫村乡村医疗卫生机构和合格医务人员变化情况,切实做好易地扶贫搬迁集中安置点卫生院、卫生室、"
            "社区服务中心 (站)等医疗卫生服务设施设置和医务人员配备工作,确保医疗机构、医务人员 “空白点”动态清零。推进"
            "公有产权村卫生室建设,到2025年,公有产权村卫生室比例达到90%以上。")
_LATEST_CLINIC = """
    WITH c AS (
      SELECT v.*, ROW_NUMBER() OVER (PARTITION BY v.region_code ORDER BY v.year DESC) AS rn
      FROM ledger_village_clinic v WHERE v.year <= year({as_of}))
"""

register_rule(RuleDef(
    code="CLINIC-GAP", title="村卫生室或合格村医空白点", kind="ledger",
    source=f"{S001} 二(二)1①③", source_text=CLINIC_1, grade="red", risk_type="基本医疗",
    tables=("ledger_village_clinic",),
    description="村最近一年（不晚于基准日所在年）没有村卫生室且不属可不单设的，或设有村卫生室但没有持证并注册的村医。",
    sql=f"""{_LATEST_CLINIC}
    SELECT c.region_code,
           CAST(c.year AS VARCHAR) || '年' || CASE WHEN NOT c.has_clinic THEN '未设村卫生室'
                                                  ELSE '村卫生室没有持证并注册的村医' END AS detail
    FROM c WHERE c.rn = 1 AND ((NOT c.has_clinic AND NOT c.exempt) OR (c.has_clinic AND c.licensed_doctors = 0))
    """,
))

register_rule(RuleDef(
    code="CLINIC-AREA", title="村卫生室业务用房不足80平方米", kind="ledger",
    source=f"{S001} 二(二)1②", grade="yellow", risk_type="基本医疗",
    source_text="村卫生室业务用房建筑面积不低于80平方米,村卫生室至少设有诊室、治疗室、观察室、公共卫生室、药房和健康教育室。",
    tables=("ledger_village_clinic",),
    description="村最近一年设有村卫生室，业务用房建筑面积未登记或低于 80 平方米。",
    sql=f"""{_LATEST_CLINIC}
    SELECT c.region_code,
           CAST(c.year AS VARCHAR) || '年村卫生室业务用房 ' || COALESCE(CAST(c.building_area AS VARCHAR) || '㎡', '面积未登记')
             || '，不足80㎡' AS detail, c.building_area AS ev_building_area
    FROM c WHERE c.rn = 1 AND c.has_clinic AND (c.building_area IS NULL OR c.building_area < 80)
    """,
))

register_rule(RuleDef(
    code="CLINIC-PUBLIC-SHARE", title="公有产权村卫生室比例低于90%", kind="ledger",
    source=f"{S001} 二(二)1①", source_text=CLINIC_1, grade="yellow", risk_type="基本医疗",
    tables=("ledger_village_clinic",),
    description="按乡镇：各村最近一年（2025 年及以后、不晚于基准日所在年）设有的村卫生室中，公有产权的不到 90%。发现记在乡镇上。",
    sql=f"""{_LATEST_CLINIC}
    SELECT substr(c.region_code, 1, 9) || '000' AS region_code,
           '村卫生室 ' || CAST(COUNT(*) AS VARCHAR) || ' 所，其中公有产权 '
             || CAST(SUM(CASE WHEN c.public_owned THEN 1 ELSE 0 END) AS VARCHAR) || ' 所，比例低于90%' AS detail,
           COUNT(*) AS ev_clinics
    FROM c WHERE c.rn = 1 AND c.has_clinic AND year({{as_of}}) >= 2025
    GROUP BY substr(c.region_code, 1, 9)
    HAVING SUM(CASE WHEN c.public_owned THEN 1 ELSE 0 END) * 10 < COUNT(*) * 9
    """,
))

ILLNESS_TEXT = ("③对30种大病按照 “定定点医院、定诊疗方案、加强医疗质量安全管理”和群众自愿原则,将救治对象扩大到县域内所有"
                "患者。及时做好一般脱贫户和 “三类户”等重点人群病例核准、分类救治和跟踪监测,其救治率要保持在95%以上。")
# Patients of 脱贫户 and 监测户 (一般脱贫户 and 三类户) diagnosed by the as-of date.
_PATIENTS = """
    WITH s AS (
      SELECT i.* FROM ledger_serious_illness i JOIN households h ON h.household_id = i.household_id
      WHERE h.household_type IN ('脱贫户', '监测户') AND i.diagnosed_on <= {as_of})
"""

register_rule(RuleDef(
    code="ILLNESS-UNTREATED", title="大病患者确诊后未及时救治", kind="ledger",
    source=f"{S001} 二(二)2③", source_text=ILLNESS_TEXT, grade="orange", risk_type="基本医疗",
    params=(TREAT_DAYS,), tables=("ledger_serious_illness", "households"),
    description="脱贫户、监测户成员的30种大病确诊已超过「大病确诊后开始救治的期限」（确诊日期 < 基准日 − 期限），在基准日仍没有救治日期。",
    sql=f"""{_PATIENTS}
    SELECT s.household_id, s.id_number,
           s.disease || '（' || CAST(s.diagnosed_on AS VARCHAR) || ' 确诊）至今未救治' AS detail,
           s.diagnosed_on AS ev_diagnosed_on
    FROM s WHERE s.diagnosed_on < days_before({{as_of}}, {{{TREAT_DAYS}}})
      AND (s.treated_on IS NULL OR s.treated_on > {{as_of}})
    """,
))

register_rule(RuleDef(
    code="ILLNESS-TREAT-RATE", title="大病专项救治率低于95%", kind="ledger",
    source=f"{S001} 二(二)2③", source_text=ILLNESS_TEXT, grade="orange", risk_type="基本医疗",
    tables=("ledger_serious_illness", "households"),
    description="按乡镇：脱贫户、监测户成员在基准日前确诊的30种大病病例中，基准日前已救治的不到 95%。发现记在乡镇上。",
    sql=f"""{_PATIENTS}
    SELECT substr(s.region_code, 1, 9) || '000' AS region_code,
           '大病病例 ' || CAST(COUNT(*) AS VARCHAR) || ' 例，已救治 '
             || CAST(SUM(CASE WHEN s.treated_on <= {{as_of}} THEN 1 ELSE 0 END) AS VARCHAR) || ' 例，救治率低于95%'
             AS detail,
           COUNT(*) AS ev_cases
    FROM s GROUP BY substr(s.region_code, 1, 9)
    HAVING SUM(CASE WHEN s.treated_on <= {{as_of}} THEN 1 ELSE 0 END) * 100 < COUNT(*) * 95
    """,
))

from . import followup_rule_defs  # noqa: E402,F401  (六类对象鉴定, 季度排查, 饮水问题与风险消除)
