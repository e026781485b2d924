"""兜底保障 cross-checks (kind "ledger", 台账核查): the registry against 民政's list, and 民政's own ledgers.

Who is 在保 comes from the latest row of 民政's list per person (`dept_mz_assistance`: category 低保, 特困,
临时救助 or 低保边缘, status 在保 or 停保); severe disability from the registry and 残联's list
(`dept_cl_disability`). Each rule quotes its passage.
"""

from gonggu.rules.catalog import ParamDef, RuleDef, register_param, register_rule

URBAN_STD = "dibao_urban_monthly"
FILING_DAYS = "temp_assistance_filing_days"

register_param(ParamDef(
    URBAN_STD, "城市最低生活保障标准", yearly=True, unit="元/人·月",
    description="当年城市月最低生活保障标准；乡镇（街道）直接审批的小额临时救助不超过其 3 倍（001 兜底保障（二）2③）。",
    minimum="0"))
register_param(ParamDef(
    FILING_DAYS, "小额临时救助备案期限", default="30", unit="天", integer=True,
    description="乡镇（街道）审批发放小额临时救助后，这么多天内应报县级民政部门备案。", minimum="0", maximum="366"))

_COVERED = "a.status = '在保' AND a.category IN ('低保', '特困')"

register_rule(RuleDef(
    code="WELFARE-NO-LABOUR-UNCOVERED",
    title="无劳动能力的脱贫户、监测户未纳入低保或特困",
    kind="ledger",
    source="004 任务28；001 第二部分 五 兜底保障（三）1①",
    source_text="对脱贫人口中因无劳动能力等原因无法通过产业就业获得稳定收入的人口，及时纳入农村低保、特困人员救助供养、孤儿和残疾人"
                "救助等保障范围，做到应保尽保、应救尽救。",
    grade="orange",
    risk_type="兜底保障",
    tables=("persons_active", "household_status", "dept_mz_assistance"),
    description="脱贫户或风险未消除的监测户，在册成员的劳动能力都是丧失劳动力或无劳动力，而民政最新名单中没有一名成员在保低保或特困。",
    sql=f"""
        WITH m AS (
          SELECT p.household_id, p.id_number, p.labour_ability FROM persons_active p
          JOIN household_status s ON s.household_id = p.household_id AND s.key_household),
        h AS (
          SELECT household_id, COUNT(*) AS members,
                 SUM(CASE WHEN labour_ability IN ('普通劳动力', '技能劳动力', '弱劳动力或半劳动力') THEN 1 ELSE 0 END) AS able
          FROM m GROUP BY household_id),
        covered AS (
          SELECT DISTINCT m.household_id FROM m JOIN dept_mz_assistance a ON a.id_number = m.id_number WHERE {_COVERED})
        SELECT h.household_id, CAST(NULL AS VARCHAR) AS id_number,
               '全户 ' || CAST(h.members AS VARCHAR) || ' 人均无劳动能力，民政名单中无人在保低保或特困' AS detail,
               h.members AS ev_members, 'mz_assistance' AS ev_list
        FROM h
        WHERE h.able = 0 AND NOT EXISTS (SELECT 1 FROM covered c WHERE c.household_id = h.household_id)
    """,
))

register_rule(RuleDef(
    code="WELFARE-SEVERE-NOT-SINGLE",
    title="低保边缘家庭的重残重病人员未参照单人户纳入低保",
    kind="ledger",
    source="001 第二部分 五 兜底保障（三）1③；（二）1②",
    source_text="对低保边缘户中符合条件的 “重残”“重病”人员没有参照 “单人户”纳入低保。",
    grade="orange",
    risk_type="兜底保障",
    tables=("persons_active", "dept_mz_assistance", "dept_cl_disability"),
    description="民政最新名单中有成员在保「低保边缘」的家庭里，「重残」（农户台账或残联名单中残疾等级一级、二级，或三级且残疾类别为"
                "智力、精神）或「重病」（农户台账健康状况为患有大病）的在册成员，本人在民政最新名单中不是在保低保或特困。",
    sql="""
        WITH edge AS (
          SELECT DISTINCT p.household_id FROM persons_active p
          JOIN dept_mz_assistance a ON a.id_number = p.id_number
          WHERE a.status = '在保' AND a.category = '低保边缘')
        SELECT p.household_id, p.id_number,
               p.name || CASE WHEN p.health = '患有大病' THEN '患有大病' ELSE '为重度残疾人' END
                 || '，所在家庭为低保边缘家庭，本人未参照单人户纳入低保' AS detail,
               COALESCE(c.grade, p.disability_grade) AS ev_disability_grade, p.health AS ev_health,
               'mz_assistance,cl_disability' AS ev_list
        FROM persons_active p
        JOIN edge e ON e.household_id = p.household_id
        LEFT JOIN dept_cl_disability c ON c.id_number = p.id_number
        LEFT JOIN dept_mz_assistance a ON a.id_number = p.id_number
        WHERE (p.disability_grade IN ('一级', '二级') OR c.grade IN ('一级', '二级')
               OR (COALESCE(c.grade, p.disability_grade) = '三级'
                   AND (COALESCE(c.category, '') LIKE '%智力%' OR COALESCE(c.category, '') LIKE '%精神%'))
               OR p.health = '患有大病')
          AND NOT (COALESCE(a.status, '') = '在保' AND COALESCE(a.category, '') IN ('低保', '特困'))
    """,
))


def _plus_months(expr: str, n: int) -> str:
    """`expr` + n calendar months (the same day, or the month's last day), in SQL both engines read."""
    year = f"CAST(year({expr}) + FLOOR((month({expr}) - 1 + {n}) / 12) AS INT)"
    month = f"CAST((month({expr}) - 1 + {n}) % 12 + 1 AS INT)"
    first = f"make_date({year}, {month}, 1)"
    return f"make_date({year}, {month}, CAST(LEAST(day({expr}), day(last_day({first}))) AS INT))"


register_rule(RuleDef(
    code="WELFARE-GRACE-OVER-6M",
    title="低保渐退期超过6个月",
    kind="ledger",
    source="001 第二部分 五 兜底保障（二）2②",
    source_text="对就业后家庭人均收入超过当地低保标准的低保家庭,可给予不超过6个月的渐退期。",
    grade="orange",
    risk_type="兜底保障",
    tables=("ledger_dibao_grace",),
    description="低保渐退台账中开始日期不晚于检查基准日的渐退期，结束日期（仍在渐退期的按检查基准日）晚于开始日期 6 个月后的同一日"
                "（该月没有这一日的按月末）。",
    sql=f"""
        SELECT g.household_id, g.id_number,
               CAST(g.start_on AS VARCHAR) || ' 开始渐退，' || CASE WHEN g.end_on IS NULL THEN '至今仍在渐退期'
                 ELSE CAST(g.end_on AS VARCHAR) || ' 结束' END || '，超过 6 个月' AS detail,
               g.start_on AS ev_start_on, g.end_on AS ev_end_on
        FROM ledger_dibao_grace g
        WHERE g.start_on <= {{as_of}} AND COALESCE(g.end_on, {{as_of}}) > {_plus_months("g.start_on", 6)}
    """,
))

_TOWNSHIP_APPROVED = "t.approver = '乡镇（街道）' AND t.granted_on <= {as_of} AND year(t.granted_on) >= year({as_of}) - 1"
_SMALL_TEXT = ("临时救助金额不超过城市月最低生活保障标准3倍的 (即小额临时救助),由乡镇 (街道)直接审批发放,"
               "并及时上报县级民政部门备案。")

register_rule(RuleDef(
    code="WELFARE-TEMP-OVER-CAP",
    title="乡镇审批的临时救助超过城市低保标准3倍",
    kind="ledger",
    source="001 第二部分 五 兜底保障（二）2③",
    source_text=_SMALL_TEXT,
    grade="orange",
    risk_type="兜底保障",
    params=(URBAN_STD,),
    tables=("ledger_temporary_assistance", "params"),
    description="检查基准日所在年度和上一年度由乡镇（街道）审批发放的临时救助，金额超过发放年度「城市最低生活保障标准」的 3 倍"
                "（超过的应报县级民政部门审批）。",
    param_years=f"""
        SELECT DISTINCT '{URBAN_STD}' AS name, year(t.granted_on) AS year
        FROM ledger_temporary_assistance t WHERE {_TOWNSHIP_APPROVED}
    """,
    sql=f"""
        SELECT t.household_id, t.id_number,
               CAST(t.granted_on AS VARCHAR) || ' 乡镇审批临时救助 ' || CAST(t.amount AS VARCHAR) || ' 元，超过城市月低保标准 '
                 || s.value_text || ' 元的 3 倍' AS detail,
               t.amount AS ev_amount, t.granted_on AS ev_granted_on, s.value AS ev_urban_standard
        FROM ledger_temporary_assistance t
        JOIN params s ON s.name = '{URBAN_STD}' AND s.year = year(t.granted_on)
        WHERE {_TOWNSHIP_APPROVED} AND t.amount > 3 * s.value
    """,
))

register_rule(RuleDef(
    code="WELFARE-TEMP-NOT-FILED",
    title="乡镇审批的小额临时救助未报县级民政部门备案",
    kind="ledger",
    source="001 第二部分 五 兜底保障（二）2③",
    source_text=_SMALL_TEXT,
    grade="yellow",
    risk_type="兜底保障",
    params=(FILING_DAYS,),
    tables=("ledger_temporary_assistance",),
    description="检查基准日所在年度和上一年度由乡镇（街道）审批发放、发放日期早于检查基准日前「小额临时救助备案期限」天的临时救助，"
                "未报县级民政部门备案。",
    sql=f"""
        SELECT t.household_id, t.id_number,
               CAST(t.granted_on AS VARCHAR) || ' 乡镇审批临时救助 ' || CAST(t.amount AS VARCHAR) || ' 元，未报县级民政部门备案'
                 AS detail,
               t.amount AS ev_amount, t.granted_on AS ev_granted_on
        FROM ledger_temporary_assistance t
        WHERE {_TOWNSHIP_APPROVED} AND NOT t.filed AND t.granted_on < days_before({{as_of}}, {{{FILING_DAYS}}})
    """,
))
