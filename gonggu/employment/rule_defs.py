"""Rules over the employment ledgers (kind "ledger", 台账核查): each quotes the seed passage it checks.

They read the snapshot tables `ledger_public_post`, `ledger_post_attendance`, `ledger_work_record` and
`ledger_work_target` (gonggu.rules.ledger_tables) joined to the registry's `persons_active` and
`household_status`; a figure on a page reads their findings, never recomputes them.

"脱贫人口" in the counts are the members of key households (`household_status.key_household`: 脱贫户, and
监测户 whose risk is not eliminated), as ZERO-EMPLOYMENT reads them. A finding about a township as a whole
(a count below last year, a target not met) carries the township's code (`region_code` alone).
"""

from gonggu.rules.catalog import ParamDef, RuleDef, register_param, register_rule

MIN_WAGE = "min_wage_monthly"
PAY_DAYS = "post_pay_days"

register_param(ParamDef(
    MIN_WAGE, "当地月最低工资标准", default=None, unit="元/月",
    description="公益性岗位补贴原则上不低于当地最低工资标准的 50%（001 稳岗就业（二）6）。请按本县所在的最低工资区类设置。",
    minimum="0"))

register_param(ParamDef(
    PAY_DAYS, "公益岗位补贴发放期限", default="30", unit="天", integer=True,
    description="考勤月份结束后这么多天内应足额发放岗位补贴；超过仍未足额发放的视为拖欠（001 关注问题 稳岗就业 5）。",
    minimum="0", maximum="366"))

_ACTIVE = "p.start_date <= {as_of} AND (p.end_date IS NULL OR p.end_date >= {as_of})"

register_rule(RuleDef(
    code="POST-SUBSIDY-LOW",
    title="公益岗位补贴低于最低工资标准的50%",
    kind="ledger",
    source="001 第三部分 四 稳岗就业（二）6",
    source_text="对乡村公益性岗位安置人员原则上按照不低于当地最低工资标准的50%给予岗位补贴,同时,按规定购买意外伤害商业保险。",
    grade="orange",
    risk_type="就业",
    params=(MIN_WAGE,),
    tables=("ledger_public_post",),
    description="在岗（上岗日期不晚于检查基准日、未退岗或退岗日期不早于基准日）人员的月岗位补贴低于「当地月最低工资标准」× 0.5。",
    sql=f"""
        SELECT p.household_id, p.id_number,
               '「' || p.post_name || '」月补贴 ' || CAST(p.monthly_subsidy AS VARCHAR) || ' 元，低于最低工资标准的50%（'
                 || CAST(CAST({{{MIN_WAGE}}} * 0.5 AS DECIMAL(10, 2)) AS VARCHAR) || ' 元）' AS detail,
               p.monthly_subsidy AS ev_monthly_subsidy, p.post_name AS ev_post
        FROM ledger_public_post p
        WHERE {_ACTIVE} AND p.monthly_subsidy < {{{MIN_WAGE}}} * 0.5
    """,
))

register_rule(RuleDef(
    code="POST-MULTIPLE",
    title="一人多岗",
    kind="ledger",
    source="001 第三部分 四 稳岗就业（三）5",
    source_text="公益岗管理不规范。岗位设置不合理,存在重复设置、一人多岗现象。",
    grade="orange",
    risk_type="就业",
    tables=("ledger_public_post",),
    description="同一人在检查基准日同时在两个及以上公益岗位上（按上岗、退岗日期）。",
    sql=f"""
        SELECT p.household_id, p.id_number,
               '同时在 ' || CAST(COUNT(*) AS VARCHAR) || ' 个公益岗位上：' || string_agg(p.post_name, '、') AS detail,
               COUNT(*) AS ev_posts
        FROM ledger_public_post p
        WHERE {_ACTIVE}
        GROUP BY p.household_id, p.id_number
        HAVING COUNT(*) > 1
    """,
))

register_rule(RuleDef(
    code="POST-PLACEMENTS",
    title="公益岗位累计安置超过2次",
    kind="ledger",
    source="001 第三部分 四 稳岗就业（二）6",
    source_text="对补贴期满后存在返贫风险的脱贫家庭劳动力,可再次按程序通过公益性岗位予以安置,岗位补贴期限重新计算,"
                "累计安置次数不超过2次。",
    grade="yellow",
    risk_type="就业",
    tables=("ledger_public_post",),
    description="同一人的公益岗位安置记录中，「第几次安置」大于 2，或安置记录多于 2 条。",
    sql="""
        SELECT p.household_id, p.id_number,
               '公益岗位安置 ' || CAST(GREATEST(MAX(p.placement_no), COUNT(*)) AS VARCHAR) || ' 次，超过 2 次' AS detail,
               GREATEST(MAX(p.placement_no), COUNT(*)) AS ev_placements
        FROM ledger_public_post p
        GROUP BY p.household_id, p.id_number
        HAVING GREATEST(MAX(p.placement_no), COUNT(*)) > 2
    """,
))

register_rule(RuleDef(
    code="POST-LOST-LABOUR",
    title="丧失劳动能力人员安排在公益岗位",
    kind="ledger",
    source="001 第三部分 一 防止返贫动态监测和帮扶（三）3",
    source_text="帮扶措施不精准。制定的帮扶措施不精准、针对性不强、一致率不高,比如将丧失劳动能力群众安排公益岗位、帮扶车间务工。",
    grade="orange",
    risk_type="就业",
    tables=("ledger_public_post", "persons_active"),
    description="在岗人员在农户台账中的劳动能力为「丧失劳动力」。",
    sql=f"""
        SELECT p.household_id, p.id_number,
               '「' || p.post_name || '」在岗人员的劳动能力为丧失劳动力' AS detail, p.post_name AS ev_post
        FROM ledger_public_post p
        JOIN persons_active a ON a.person_id = p.person_id
        WHERE {_ACTIVE} AND a.labour_ability = '丧失劳动力'
    """,
))


register_rule(RuleDef(
    code="POST-NO-AGREEMENT",
    title="公益岗位未签订岗位协议",
    kind="ledger",
    source="001 第三部分 四 稳岗就业（三）5",
    source_text="岗位管理不规范,无公益岗位协议,无考勤记录,有的长期没有履职,存在顶岗、替岗现象。",
    grade="yellow",
    risk_type="就业",
    tables=("ledger_public_post",),
    description="在岗（检查基准日在上岗、退岗日期之间）人员的「签订岗位协议」为否。",
    sql=f"""
        SELECT p.household_id, p.id_number, '「' || p.post_name || '」在岗人员未签订岗位协议' AS detail,
               p.post_name AS ev_post, p.start_date AS ev_start_date
        FROM ledger_public_post p
        WHERE {_ACTIVE} AND NOT p.agreement
    """,
))

register_rule(RuleDef(
    code="POST-UNINSURED",
    title="公益岗位未购买意外伤害保险",
    kind="ledger",
    source="001 第三部分 四 稳岗就业（二）6",
    source_text="对乡村公益性岗位安置人员原则上按照不低于当地最低工资标准的50%给予岗位补贴,同时,按规定购买意外伤害商业保险。",
    grade="yellow",
    risk_type="就业",
    tables=("ledger_public_post",),
    description="在岗（检查基准日在上岗、退岗日期之间）人员的「购买意外伤害保险」为否。",
    sql=f"""
        SELECT p.household_id, p.id_number, '「' || p.post_name || '」在岗人员未购买意外伤害商业保险' AS detail,
               p.post_name AS ev_post
        FROM ledger_public_post p
        WHERE {_ACTIVE} AND NOT p.insured
    """,
))

# The month before the as-of date's month: its first and last day (both engines: make_date, last_day).
_PREV_MONTH = """
    SELECT make_date(year(d), month(d), 1) AS month_start, last_day(d) AS month_end
    FROM (SELECT days_before(make_date(year({as_of}), month({as_of}), 1), 1) AS d) x
"""

register_rule(RuleDef(
    code="POST-NO-ATTENDANCE",
    title="公益岗位无考勤记录",
    kind="ledger",
    source="001 第三部分 四 稳岗就业（三）5",
    source_text="岗位管理不规范,无公益岗位协议,无考勤记录,有的长期没有履职,存在顶岗、替岗现象。",
    grade="orange",
    risk_type="就业",
    tables=("ledger_public_post", "ledger_post_attendance"),
    description="检查基准日的上一个月整月在岗（上岗日期不晚于该月 1 日，未退岗或退岗日期不早于该月最后一天）的人员，"
                "公益岗位考勤与补贴发放台账中没有该岗位该月的考勤。",
    sql=f"""
        WITH m AS ({_PREV_MONTH})
        SELECT p.household_id, p.id_number,
               '「' || p.post_name || '」' || CAST(year(m.month_start) AS VARCHAR) || ' 年 '
                 || CAST(month(m.month_start) AS VARCHAR) || ' 月无考勤记录' AS detail,
               p.post_name AS ev_post, m.month_start AS ev_month
        FROM ledger_public_post p CROSS JOIN m
        WHERE p.start_date <= m.month_start AND (p.end_date IS NULL OR p.end_date >= m.month_end)
          AND NOT EXISTS (SELECT 1 FROM ledger_post_attendance a
                          WHERE a.person_id = p.person_id AND a.post_name = p.post_name
                            AND a.month = m.month_start)
    """,
))

register_rule(RuleDef(
    code="POST-SUBSIDY-UNPAID",
    title="公益岗位补贴未及时足额发放",
    kind="ledger",
    source="001 第三部分 四 稳岗就业（三）5；000 工作落实方面 4 稳岗就业 4",
    source_text="存在拖欠公益岗工资现象。",
    grade="orange",
    risk_type="就业",
    params=(PAY_DAYS,),
    tables=("ledger_post_attendance",),
    description="考勤月份的最后一天早于检查基准日前「公益岗位补贴发放期限」天，而实发补贴（未填按 0）少于应发补贴；"
                "同一人同一岗位的各月合并为一条，列出拖欠的月数和金额。",
    sql=f"""
        SELECT a.household_id, a.id_number,
               '「' || a.post_name || '」' || CAST(COUNT(*) AS VARCHAR) || ' 个月的岗位补贴未足额发放，共欠 '
                 || CAST(CAST(SUM(a.subsidy_due - COALESCE(a.subsidy_paid, 0)) AS DECIMAL(14, 2)) AS VARCHAR) || ' 元'
                 AS detail,
               a.post_name AS ev_post, COUNT(*) AS ev_months, MIN(a.month) AS ev_first_month,
               CAST(SUM(a.subsidy_due - COALESCE(a.subsidy_paid, 0)) AS DECIMAL(14, 2)) AS ev_owed
        FROM ledger_post_attendance a
        WHERE last_day(a.month) < days_before({{as_of}}, {{{PAY_DAYS}}})
          AND COALESCE(a.subsidy_paid, 0) < a.subsidy_due
        GROUP BY a.household_id, a.id_number, a.post_name
    """,
))

_TOWNSHIP = "substr({t}.region_code, 1, 9) || '000'"

register_rule(RuleDef(
    code="POST-COUNT-FALL",
    title="公益岗位数量或吸纳脱贫人口就业人数低于上年年底",
    kind="ledger",
    source="000 工作落实方面 4 稳岗就业 1；001 第三部分 四 稳岗就业（二）1",
    source_text="其中，公益岗位、帮扶车间的数量和吸纳脱贫人口就业人数不低于去年年底水平。",
    grade="orange",
    risk_type="就业",
    tables=("ledger_public_post", "household_status"),
    description="按乡镇：检查基准日在岗的公益岗位安置数、其中脱贫人口和监测对象（脱贫户、风险未消除的监测户成员）人数，"
                "与上年 12 月 31 日相比，任一项减少即列出该乡镇。",
    sql=f"""
        WITH p AS (
          SELECT {_TOWNSHIP.format(t="p")} AS township, p.person_id, COALESCE(s.key_household, FALSE) AS key_person,
                 ({_ACTIVE}) AS now_on,
                 (p.start_date <= make_date(year({{as_of}}) - 1, 12, 31)
                  AND (p.end_date IS NULL OR p.end_date >= make_date(year({{as_of}}) - 1, 12, 31))) AS then_on
          FROM ledger_public_post p
          LEFT JOIN household_status s ON s.household_id = p.household_id),
        c AS (
          SELECT township,
                 SUM(CASE WHEN now_on THEN 1 ELSE 0 END) AS posts_now,
                 SUM(CASE WHEN then_on THEN 1 ELSE 0 END) AS posts_then,
                 COUNT(DISTINCT CASE WHEN now_on AND key_person THEN person_id END) AS lifted_now,
                 COUNT(DISTINCT CASE WHEN then_on AND key_person THEN person_id END) AS lifted_then
          FROM p GROUP BY township)
        SELECT township AS region_code,
               '公益岗位在岗 ' || CAST(posts_now AS VARCHAR) || ' 人（上年底 ' || CAST(posts_then AS VARCHAR)
                 || ' 人），其中脱贫人口和监测对象 ' || CAST(lifted_now AS VARCHAR) || ' 人（上年底 '
                 || CAST(lifted_then AS VARCHAR) || ' 人），低于上年年底水平' AS detail,
               posts_now AS ev_posts, posts_then AS ev_posts_last_year_end,
               lifted_now AS ev_lifted, lifted_then AS ev_lifted_last_year_end
        FROM c
        WHERE posts_now < posts_then OR lifted_now < lifted_then
    """,
))

# --- work by year ------------------------------------------------------------------------------------------

_KEY_WORK = f"""
    SELECT {_TOWNSHIP.format(t="w")} AS township, w.person_id, w.year, w.months
    FROM ledger_work_record w
    JOIN household_status s ON s.household_id = w.household_id AND s.key_household
"""

register_rule(RuleDef(
    code="WORK-STABLE-FALL",
    title="稳定务工人数低于上年",
    kind="ledger",
    source="000 工作落实方面 4 稳岗就业 1；001 第三部分 四 稳岗就业（二）1",
    source_text="务工6个月以上的稳定务工人员不低于去年同期水平。",
    grade="orange",
    risk_type="就业",
    tables=("ledger_work_record", "household_status"),
    description="按乡镇：务工就业台账中检查基准日所在年度务工 6 个月及以上的脱贫人口和监测对象人数少于上一年度。"
                "本年度尚无任何务工记录的乡镇不比较（尚未摸排）。",
    sql=f"""
        WITH w AS ({_KEY_WORK} WHERE w.year IN (year({{as_of}}), year({{as_of}}) - 1)),
        c AS (
          SELECT township,
                 COUNT(DISTINCT CASE WHEN year = year({{as_of}}) AND months >= 6 THEN person_id END) AS stable_now,
                 COUNT(DISTINCT CASE WHEN year = year({{as_of}}) - 1 AND months >= 6 THEN person_id END) AS stable_before,
                 SUM(CASE WHEN year = year({{as_of}}) THEN 1 ELSE 0 END) AS rows_now
          FROM w GROUP BY township)
        SELECT township AS region_code,
               CAST(year({{as_of}}) AS VARCHAR) || ' 年务工 6 个月及以上的脱贫人口和监测对象 ' || CAST(stable_now AS VARCHAR)
                 || ' 人，少于上年的 ' || CAST(stable_before AS VARCHAR) || ' 人' AS detail,
               year({{as_of}}) AS ev_year, stable_now AS ev_stable, stable_before AS ev_stable_last_year
        FROM c
        WHERE rows_now > 0 AND stable_now < stable_before
    """,
))

register_rule(RuleDef(
    code="WORK-TARGET-UNMET",
    title="脱贫人口务工就业未达到年度目标任务",
    kind="ledger",
    source="001 第三部分 四 稳岗就业（三）1；000 工作落实方面 4 稳岗就业 1",
    source_text="没有完成年度就业目标任务。特别是重点帮扶县、易地扶贫搬迁安置区务工人数同比下降。",
    grade="yellow",
    risk_type="就业",
    tables=("ledger_work_record", "ledger_work_target", "household_status"),
    description="按乡镇：务工就业目标任务台账中检查基准日所在年度的目标人数，多于务工就业台账中该年度务工 1 个月及以上的"
                "脱贫人口和监测对象人数。",
    sql=f"""
        WITH k AS (
          SELECT township, COUNT(DISTINCT person_id) AS workers
          FROM ({_KEY_WORK} WHERE w.year = year({{as_of}}) AND w.months >= 1) w
          GROUP BY township)
        SELECT t.region_code,
               CAST(t.year AS VARCHAR) || ' 年脱贫人口务工就业 ' || CAST(COALESCE(k.workers, 0) AS VARCHAR)
                 || ' 人，未达到目标任务 ' || CAST(t.target AS VARCHAR) || ' 人' AS detail,
               t.year AS ev_year, t.target AS ev_target, COALESCE(k.workers, 0) AS ev_workers
        FROM ledger_work_target t
        LEFT JOIN k ON k.township = t.region_code
        WHERE t.year = year({{as_of}}) AND COALESCE(k.workers, 0) < t.target
    """,
))

register_rule(RuleDef(
    code="WORK-TRANSPORT-UNPAID",
    title="跨省务工一次性交通补助未发放",
    kind="ledger",
    source="001 第三部分 四 稳岗就业（二）3；001 第三部分 四 稳岗就业（三）3",
    source_text="对跨省就业的脱贫人口适当安排一次性交通补助,并及时发放到位,各地制定的补助政策也要按照规定执行到位。",
    grade="yellow",
    risk_type="就业",
    tables=("ledger_work_record", "household_status"),
    description="务工就业台账中检查基准日所在年度或上一年度、务工地点为省外、务工 1 个月及以上的脱贫人口和监测对象，"
                "该年度的记录没有交通补助发放日期。",
    sql="""
        SELECT w.household_id, w.id_number,
               CAST(w.year AS VARCHAR) || ' 年省外务工 ' || CAST(w.months AS VARCHAR) || ' 个月，未发放跨省一次性交通补助'
                 AS detail,
               w.year AS ev_year, w.months AS ev_months, w.employer AS ev_employer
        FROM ledger_work_record w
        JOIN household_status s ON s.household_id = w.household_id AND s.key_household
        WHERE w.place = '省外' AND w.months >= 1 AND w.transport_paid_on IS NULL
          AND w.year >= year({as_of}) - 1 AND w.year <= year({as_of})
    """,
))

# --- 帮扶车间 ---------------------------------------------------------------------------------------------

_YEAR_END = "make_date(year({as_of}) - 1, 12, 31)"


def _shop_open(d: str) -> str:
    return f"(w.recognised_on <= {d} AND (w.closed_on IS NULL OR w.closed_on > {d}))"


def _worker_on(d: str) -> str:
    return f"(k.start_date <= {d} AND (k.end_date IS NULL OR k.end_date >= {d}))"


register_rule(RuleDef(
    code="WORKSHOP-COUNT-FALL",
    title="帮扶车间数量或吸纳脱贫人口就业人数低于上年年底",
    kind="ledger",
    source="000 工作落实方面 4 稳岗就业 1；001 第三部分 四 稳岗就业（二）1",
    source_text="其中，公益岗位、帮扶车间的数量和吸纳脱贫人口就业人数不低于去年年底水平。",
    grade="orange",
    risk_type="就业",
    tables=("ledger_workshop", "ledger_workshop_worker", "household_status"),
    description="按车间所在乡镇：检查基准日运营中（认定日期不晚于该日，未停办或停办日期晚于该日）的帮扶车间数、在其中务工"
                "（入职日期不晚于该日，未离职或离职日期不早于该日）的脱贫人口和监测对象人数，与上年 12 月 31 日相比，任一项减少即列出。",
    sql=f"""
        WITH shops AS (
          SELECT {_TOWNSHIP.format(t="w")} AS township,
                 SUM(CASE WHEN {_shop_open("{as_of}")} THEN 1 ELSE 0 END) AS shops_now,
                 SUM(CASE WHEN {_shop_open(_YEAR_END)} THEN 1 ELSE 0 END) AS shops_then
          FROM ledger_workshop w
          GROUP BY {_TOWNSHIP.format(t="w")}),
        workers AS (
          SELECT {_TOWNSHIP.format(t="w")} AS township,
                 COUNT(DISTINCT CASE WHEN {_shop_open("{as_of}")} AND {_worker_on("{as_of}")} THEN k.person_id END)
                   AS lifted_now,
                 COUNT(DISTINCT CASE WHEN {_shop_open(_YEAR_END)} AND {_worker_on(_YEAR_END)} THEN k.person_id END)
                   AS lifted_then
          FROM ledger_workshop_worker k
          JOIN household_status s ON s.household_id = k.household_id AND s.key_household
          JOIN ledger_workshop w ON w.name = k.workshop_name AND substr(w.region_code, 1, 6) = substr(k.region_code, 1, 6)
          GROUP BY {_TOWNSHIP.format(t="w")})
        SELECT c.township AS region_code,
               '运营中的帮扶车间 ' || CAST(c.shops_now AS VARCHAR) || ' 个（上年底 ' || CAST(c.shops_then AS VARCHAR)
                 || ' 个），吸纳脱贫人口和监测对象就业 ' || CAST(COALESCE(k.lifted_now, 0) AS VARCHAR) || ' 人（上年底 '
                 || CAST(COALESCE(k.lifted_then, 0) AS VARCHAR) || ' 人），低于上年年底水平' AS detail,
               c.shops_now AS ev_workshops, c.shops_then AS ev_workshops_last_year_end,
               COALESCE(k.lifted_now, 0) AS ev_lifted, COALESCE(k.lifted_then, 0) AS ev_lifted_last_year_end
        FROM shops c
        LEFT JOIN workers k ON k.township = c.township
        WHERE c.shops_now < c.shops_then OR COALESCE(k.lifted_now, 0) < COALESCE(k.lifted_then, 0)
    """,
))

register_rule(RuleDef(
    code="WORKSHOP-LOST-LABOUR",
    title="丧失劳动能力人员安排在帮扶车间务工",
    kind="ledger",
    source="001 第三部分 一 防止返贫动态监测和帮扶（三）3",
    source_text="帮扶措施不精准。制定的帮扶措施不精准、针对性不强、一致率不高,比如将丧失劳动能力群众安排公益岗位、帮扶车间务工。",
    grade="orange",
    risk_type="就业",
    tables=("ledger_workshop_worker", "persons_active"),
    description="检查基准日在帮扶车间务工（入职日期不晚于该日，未离职或离职日期不早于该日）的人员，农户台账中的劳动能力为「丧失劳动力」。",
    sql=f"""
        SELECT k.household_id, k.id_number, '在「' || k.workshop_name || '」务工，劳动能力为丧失劳动力' AS detail,
               k.workshop_name AS ev_workshop
        FROM ledger_workshop_worker k
        JOIN persons_active a ON a.person_id = k.person_id
        WHERE {_worker_on("{as_of}")} AND a.labour_ability = '丧失劳动力'
    """,
))

# --- 雨露计划 ---------------------------------------------------------------------------------------------

RAIN_DEW_SUBSIDY = "rain_dew_subsidy"
RAIN_DEW_RATE = "rain_dew_employment_rate"
register_param(ParamDef(
    RAIN_DEW_SUBSIDY, "雨露计划职业教育补助标准", default="3000", unit="元/生·学年",
    description="雨露计划职业教育补助每生每学年的金额（001 稳岗就业（二）7：3000 元）。", minimum="0"))
register_param(ParamDef(
    RAIN_DEW_RATE, "雨露计划毕业生就业率要求", default="0.9", unit="比例",
    description="雨露计划毕业生就业率（含升学、参军）应达到的比例（001 稳岗就业（二）7：90%以上）。", minimum="0", maximum="1"))

_RAIN_DEW_TEXT = ("继续向符合条件的脱贫家庭 (含监测帮扶对象家庭)安排 “雨露计划”补助,职业教育补助每生每学年补助3000元。")

register_rule(RuleDef(
    code="RAIN-DEW-RATE-LOW",
    title="雨露计划毕业生就业率低于90%",
    kind="ledger",
    source="001 第三部分 四 稳岗就业（二）7",
    source_text="深入开展 “雨露计划+”就业促进行动,确保雨露计划毕业生就业率 (含升学、参军)达到90%以上。",
    grade="orange",
    risk_type="就业",
    params=(RAIN_DEW_RATE,),
    tables=("ledger_rain_dew",),
    description="按乡镇：雨露计划补助台账中毕业年度为检查基准日上一年度的毕业生（按人），毕业去向为就业、升学或参军的人数"
                "少于毕业生人数 ×「雨露计划毕业生就业率要求」；去向未填的按未就业计。",
    sql=f"""
        WITH g AS (
          SELECT r.person_id, {_TOWNSHIP.format(t="r")} AS township,
                 MAX(CASE WHEN r.destination IN ('就业', '升学', '参军') THEN 1 ELSE 0 END) AS placed,
                 MAX(CASE WHEN r.destination IS NULL OR r.destination = '' THEN 1 ELSE 0 END) AS unknown
          FROM ledger_rain_dew r
          WHERE r.graduation_year = year({{as_of}}) - 1
          GROUP BY r.person_id, {_TOWNSHIP.format(t="r")}),
        c AS (
          SELECT township, COUNT(*) AS graduates, SUM(placed) AS placed,
                 SUM(CASE WHEN placed = 0 AND unknown = 1 THEN 1 ELSE 0 END) AS unknown
          FROM g GROUP BY township)
        SELECT township AS region_code,
               CAST(year({{as_of}}) - 1 AS VARCHAR) || ' 年雨露计划毕业生 ' || CAST(graduates AS VARCHAR) || ' 人，就业（含升学、参军）'
                 || CAST(placed AS VARCHAR) || ' 人，未达到规定比例'
                 || CASE WHEN unknown > 0 THEN '（' || CAST(unknown AS VARCHAR) || ' 人未填毕业去向）' ELSE '' END AS detail,
               graduates AS ev_graduates, placed AS ev_placed, unknown AS ev_unknown
        FROM c
        WHERE placed < {{{RAIN_DEW_RATE}}} * graduates
    """,
))

register_rule(RuleDef(
    code="RAIN-DEW-INELIGIBLE",
    title="雨露计划补助对象不是脱贫家庭或监测帮扶对象家庭",
    kind="ledger",
    source="001 第三部分 四 稳岗就业（二）7",
    source_text=_RAIN_DEW_TEXT,
    grade="orange",
    risk_type="就业",
    tables=("ledger_rain_dew", "household_status"),
    description="检查基准日所在年度或上一年度的雨露计划补助记录，学生所在户既不是脱贫户，也不是风险未消除的监测户。",
    sql="""
        SELECT r.household_id, r.id_number,
               CAST(r.year AS VARCHAR) || ' 学年领取雨露计划补助，所在户为' || COALESCE(s.household_type, '') AS detail,
               r.year AS ev_year, s.household_type AS ev_household_type
        FROM ledger_rain_dew r
        JOIN household_status s ON s.household_id = r.household_id
        WHERE NOT s.key_household AND r.year >= year({as_of}) - 1 AND r.year <= year({as_of})
    """,
))

register_rule(RuleDef(
    code="RAIN-DEW-UNPAID",
    title="雨露计划补助未足额发放",
    kind="ledger",
    source="001 第三部分 四 稳岗就业（二）7；004 任务16",
    source_text=_RAIN_DEW_TEXT,
    grade="yellow",
    risk_type="就业",
    params=(RAIN_DEW_SUBSIDY,),
    tables=("ledger_rain_dew",),
    description="检查基准日上一年度开始的学年（应已发放完毕）的雨露计划职业教育补助（未填按 0）少于「雨露计划职业教育补助标准」。",
    sql=f"""
        SELECT r.household_id, r.id_number,
               CAST(r.year AS VARCHAR) || ' 学年雨露计划补助 ' || CAST(COALESCE(r.subsidy, CAST(0 AS DECIMAL(10, 2))) AS VARCHAR)
                 || ' 元，未足额发放' AS detail,
               r.year AS ev_year, r.subsidy AS ev_subsidy, r.school AS ev_school
        FROM ledger_rain_dew r
        WHERE r.year = year({{as_of}}) - 1 AND COALESCE(r.subsidy, CAST(0 AS DECIMAL(10, 2))) < {{{RAIN_DEW_SUBSIDY}}}
    """,
))

# 易地搬迁后续扶持: in a module of its own, registered with the rest of this work area's rules.
from . import relocation_rules  # noqa: E402,F401
