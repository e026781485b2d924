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
