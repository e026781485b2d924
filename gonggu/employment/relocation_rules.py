"""易地搬迁后续扶持 rules (kind "ledger") over `ledger_resettlement_site` and `ledger_relocated_household`; kept
apart from `rule_defs.py` (which imports this module) so neither grows past a readable size.

A finding about a site as a whole carries the site's village or community code (`region_code` alone); one about a
household carries the household.
"""

from gonggu.rules.catalog import RuleDef, register_rule

RELOC_EMPLOYMENT = "001 第三部分 二 易地扶贫搬迁后续扶持（二）2"
RELOC_SERVICES = "001 第三部分 二 易地扶贫搬迁后续扶持（二）4"
TASK_34 = ("强化搬迁点后续产业发展和就业服务。对具备农业产业发展条件的搬迁户和安置点落实产业扶持政策，配套建设扶贫产业园区和"
           "社区工厂，通过有组织的劳务输出、苏陕劳务协作等实现转移就业，确保搬迁户家庭至少有一项致富产业、有一人稳定就业。")
# Members who can hold a job: the households without one are 兜底 cases, not a follow-up gap.
_CAN_WORK = "('普通劳动力', '技能劳动力', '弱劳动力或半劳动力')"

register_rule(RuleDef(
    code="RELOC-SITE-NO-STATION",
    title="800人以上安置点未设公共就业服务站",
    kind="ledger",
    source=RELOC_EMPLOYMENT,
    source_text="在800人以上安置区基本公共服务设施中设立公共就业服务站或服务窗口,加强搬迁群众就业情况动态监测,"
                "提供 “一站式”公共服务。",
    grade="orange",
    risk_type="就业",
    tables=("ledger_resettlement_site",),
    description="易地搬迁安置点台账中搬迁人数 800 人及以上、「设有公共就业服务站（窗口）」为否的安置点。",
    sql="""
        SELECT s.region_code,
               '「' || s.name || '」搬迁 ' || CAST(s.persons AS VARCHAR) || ' 人，未设公共就业服务站或服务窗口' AS detail,
               s.name AS ev_site, s.persons AS ev_persons
        FROM ledger_resettlement_site s
        WHERE s.persons >= 800 AND NOT s.service_station
    """,
))

register_rule(RuleDef(
    code="RELOC-SITE-CARE-SPACE",
    title="安置点养老服务设施不足每百户30平方米",
    kind="ledger",
    source=RELOC_SERVICES,
    source_text="在规划建设社区养老服务设施、特困供养机构改造提升、普惠互助养老设施等时,统筹考虑安置区搬迁群众实际需求,"
                "按30㎡/百户配套建设养老服务设施。",
    grade="yellow",
    risk_type="就业",
    tables=("ledger_resettlement_site",),
    description="易地搬迁安置点台账中（分散安置除外）养老服务设施面积（未填按 0）小于 搬迁户数 × 0.3 ㎡。",
    sql="""
        SELECT s.region_code,
               '「' || s.name || '」搬迁 ' || CAST(s.households AS VARCHAR) || ' 户，养老服务设施 '
                 || CAST(COALESCE(s.care_area, CAST(0 AS DECIMAL(10, 2))) AS VARCHAR) || '㎡，应不少于 '
                 || CAST(CAST(s.households * 0.3 AS DECIMAL(12, 2)) AS VARCHAR) || '㎡' AS detail,
               s.name AS ev_site, s.households AS ev_households, s.care_area AS ev_care_area
        FROM ledger_resettlement_site s
        WHERE COALESCE(s.site_type, '') <> '分散安置'
          AND COALESCE(s.care_area, CAST(0 AS DECIMAL(10, 2))) < s.households * 0.3
    """,
))

register_rule(RuleDef(
    code="RELOC-HH-NO-INDUSTRY",
    title="易地搬迁户没有致富产业",
    kind="ledger",
    source="004 任务34",
    source_text=TASK_34,
    grade="yellow",
    risk_type="就业",
    tables=("ledger_relocated_household",),
    description="易地搬迁户后续扶持台账中「致富产业」未填的户。",
    sql="""
        SELECT r.household_id, r.id_number, '搬迁到「' || r.site_name || '」，没有致富产业' AS detail,
               r.site_name AS ev_site
        FROM ledger_relocated_household r
        WHERE COALESCE(TRIM(r.industry), '') = ''
    """,
))

register_rule(RuleDef(
    code="RELOC-HH-NO-STABLE-JOB",
    title="有劳动能力的易地搬迁户无人稳定就业",
    kind="ledger",
    source="004 任务34；" + RELOC_EMPLOYMENT,
    source_text=TASK_34,
    grade="orange",
    risk_type="就业",
    tables=("ledger_relocated_household", "persons_active"),
    description="易地搬迁户后续扶持台账中「稳定就业人员」未填、且户内有劳动能力（普通、技能、弱劳动力或半劳动力）在册成员的户。",
    sql=f"""
        WITH able AS (
          SELECT household_id, COUNT(*) AS n FROM persons_active
          WHERE labour_ability IN {_CAN_WORK} GROUP BY household_id)
        SELECT r.household_id, r.id_number,
               '搬迁到「' || r.site_name || '」，有 ' || CAST(a.n AS VARCHAR) || ' 名有劳动能力的成员，无人稳定就业' AS detail,
               r.site_name AS ev_site, a.n AS ev_able_members
        FROM ledger_relocated_household r
        JOIN able a ON a.household_id = r.household_id
        WHERE COALESCE(TRIM(r.worker_name), '') = ''
    """,
))

# 001 第三部分 二（二）1 and 000 工作落实方面 2（易地扶贫搬迁后续扶持）1 put the sites' income first. The province's and
# the nation's rural income are the per-year parameters of 指标11 (registered with the assessment's rules); the
# rule reads them from the run's `params` table by name, so a year not set is reported as skipped, never a zero.
RELOC_INCOME = "001 第三部分 二 易地扶贫搬迁后续扶持（二）1；000 工作落实方面 2 易地扶贫搬迁后续扶持 1"
RELOC_INCOME_TEXT = "增收方面。安置区脱贫人口人均纯收入与全国和全省农民收入的比值同比提升。"
PROVINCE_INCOME, NATIONAL_INCOME = "rural_income_province", "rural_income_national"
# The site's relocated 脱贫户 (the ledger names the site; a name is unique within a county) and the income year Y:
# the latest year any of them has an income account, the same Y for every site of the run.
_SITE_HOUSEHOLDS = """
    site_hh AS (
      SELECT DISTINCT s.region_code, s.name, r.household_id
      FROM ledger_resettlement_site s
      JOIN ledger_relocated_household r ON r.site_name = s.name AND substr(r.region_code, 1, 6) = substr(s.region_code, 1, 6)
      JOIN households h ON h.household_id = r.household_id
      WHERE h.household_type = '脱贫户'),
    income_year AS (
      SELECT MAX(i.year) AS y FROM incomes i WHERE i.household_id IN (SELECT household_id FROM site_hh))"""



def _dec(value: str, places: int) -> str:
    """Evidence as an exact decimal: DuckDB and Spark write a double's digits differently."""
    return f"CAST(ROUND({value}, {places}) AS DECIMAL(18, {places}))"


def _pct(ratio: str) -> str:
    """A ratio as a percentage with one decimal, rounded down (the same text on DuckDB and Spark)."""
    p = f"CAST(FLOOR({ratio} * 1000) AS BIGINT)"
    return f"CAST(CAST(FLOOR({p} / 10) AS BIGINT) AS VARCHAR) || '.' || CAST({p} % 10 AS VARCHAR) || '%'"


register_rule(RuleDef(
    code="RELOC-SITE-INCOME-RATIO",
    title="安置点脱贫人口人均纯收入与全省、全国农民收入之比未同比提升",
    kind="ledger",
    source=RELOC_INCOME,
    source_text=RELOC_INCOME_TEXT,
    grade="yellow",
    risk_type="收入",
    params=(PROVINCE_INCOME, NATIONAL_INCOME),
    tables=("ledger_resettlement_site", "ledger_relocated_household", "households", "incomes", "params"),
    description="每个安置点：其易地搬迁户后续扶持台账中的脱贫户在最新收入年度 Y 的人均纯收入（纯收入合计 ÷ 人口合计，"
                "户籍台账收入账户），分别除以 Y 年的「全省农村居民人均可支配收入」和「全国农村居民人均可支配收入」，"
                "与 Y−1 年的同一比值相比，任一比值没有提高的安置点（两年都须有收入记录和参数）。",
    param_years=f"""
        WITH {_SITE_HOUSEHOLDS.strip()}
        SELECT n.name, y.y - k.d AS year FROM income_year y
        CROSS JOIN (SELECT '{PROVINCE_INCOME}' AS name UNION ALL SELECT '{NATIONAL_INCOME}' AS name) n
        CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 AS d) k
        WHERE y.y IS NOT NULL
    """,
    sql=f"""
        WITH {_SITE_HOUSEHOLDS.strip()},
        site_income AS (
          SELECT sh.region_code, sh.name, i.year,
                 CAST(SUM(i.net_income) AS DOUBLE) / SUM(i.household_size) AS per_capita, COUNT(*) AS households
          FROM site_hh sh
          JOIN incomes i ON i.household_id = sh.household_id
          JOIN income_year y ON i.year = y.y OR i.year = y.y - 1
          GROUP BY sh.region_code, sh.name, i.year
          HAVING SUM(i.household_size) > 0),
        ratios AS (
          SELECT c.region_code, c.name, c.year, c.households, c.per_capita, p.per_capita AS prev_per_capita,
                 c.per_capita / CAST(pc.value AS DOUBLE) AS province_now, p.per_capita / CAST(pp.value AS DOUBLE) AS province_before,
                 c.per_capita / CAST(nc.value AS DOUBLE) AS nation_now, p.per_capita / CAST(np.value AS DOUBLE) AS nation_before
          FROM site_income c
          JOIN income_year y ON c.year = y.y
          JOIN site_income p ON p.region_code = c.region_code AND p.name = c.name AND p.year = c.year - 1
          JOIN params pc ON pc.name = '{PROVINCE_INCOME}' AND pc.year = c.year AND pc.value > 0
          JOIN params pp ON pp.name = '{PROVINCE_INCOME}' AND pp.year = c.year - 1 AND pp.value > 0
          JOIN params nc ON nc.name = '{NATIONAL_INCOME}' AND nc.year = c.year AND nc.value > 0
          JOIN params np ON np.name = '{NATIONAL_INCOME}' AND np.year = c.year - 1 AND np.value > 0)
        SELECT r.region_code,
               '「' || r.name || '」脱贫人口人均纯收入 ' || CAST(r.year - 1 AS VARCHAR) || ' 年 '
                 || CAST(CAST(ROUND(r.prev_per_capita, 0) AS BIGINT) AS VARCHAR) || ' 元 → ' || CAST(r.year AS VARCHAR) || ' 年 '
                 || CAST(CAST(ROUND(r.per_capita, 0) AS BIGINT) AS VARCHAR) || ' 元；与全省农民收入之比 '
                 || {_pct('r.province_before')} || ' → ' || {_pct('r.province_now')} || '，与全国之比 '
                 || {_pct('r.nation_before')} || ' → ' || {_pct('r.nation_now')} AS detail,
               r.name AS ev_site, r.year AS ev_income_year, r.households AS ev_households,
               {_dec('r.per_capita', 2)} AS ev_per_capita, {_dec('r.prev_per_capita', 2)} AS ev_previous_per_capita,
               {_dec('r.province_now', 4)} AS ev_ratio_province, {_dec('r.province_before', 4)} AS ev_previous_ratio_province,
               {_dec('r.nation_now', 4)} AS ev_ratio_national, {_dec('r.nation_before', 4)} AS ev_previous_ratio_national
        FROM ratios r
        WHERE r.province_now <= r.province_before OR r.nation_now <= r.nation_before
    """,
))
