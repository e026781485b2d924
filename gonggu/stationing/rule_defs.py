"""Rules over the 驻村帮扶 ledgers (kind "ledger", 台账核查): each quotes the seed passage it checks.

They read the snapshot tables `ledger_stationed_cadre`, `ledger_stationing_attendance`, `ledger_cadre_year`,
`ledger_team_visit`, `ledger_assist_unit`, `ledger_campaign`, `ledger_campaign_visit`, `ledger_meeting`,
`ledger_assist_day` (周三帮扶日), `dept_lists`, the registry's
`households` and monitoring's `visits`. A finding is about a village or township as a whole (region_code), naming
the cadre by identity number where it concerns one. Dates are compared as yyyymmdd numbers, so "2 years after"
is exact on both engines and a 29 February start needs no special case.

- A cadre is *in post* on a day from the term's start until the day before the 离任日期 (none: still there).
- The yearly duties are judged for the last complete year Y (the year before the check date), for the cadres in
  post throughout its second half (驻村半年以上).
- 五天四夜 is judged over the 7 days ending on the check date (any 7 days hold each weekday once): days in the
  village plus approved leave or duty days ≥ 5, nights in the village plus those days ≥ 4.
"""

import datetime as dt

import pyarrow as pa

from gonggu.core.codes import Level, in_scope_q
from gonggu.regions.models import Region
from gonggu.rules.catalog import (
    ParamDef,
    RuleDef,
    TableProvider,
    register_param,
    register_rule,
    register_table,
)
from gonggu.rules.snapshot import pull, scope_sql
from gonggu.sources.specs import DEPT_PREFIX, SOURCES

from .selectors import STALE_DAYS


def _ymd(expr: str) -> str:
    return f"(year({expr}) * 10000 + month({expr}) * 100 + dayofmonth({expr}))"


IN_POST = "c.term_start <= {as_of} AND (c.left_on IS NULL OR c.left_on > {as_of})"
Y = "(year({as_of}) - 1)"
# In post throughout the second half of Y.
HALF_YEAR = (f"{_ymd('c.term_start')} <= {Y} * 10000 + 701 "
             f"AND (c.left_on IS NULL OR {_ymd('c.left_on')} > {Y} * 10000 + 1231)")
CADRE = "ledger_stationed_cadre"


def _rule(code: str, title: str, *, source: str, source_text: str, description: str, sql: str, tables: tuple,
          grade: str = "yellow", params: tuple = (), risk_type: str = "驻村帮扶") -> None:
    register_rule(RuleDef(code=code, title=title, kind="ledger", source=source, source_text=source_text,
                          grade=grade, risk_type=risk_type, tables=tables, description=description, sql=sql,
                          params=params))


_rule(
    "ST-TERM-SHORT", "驻村干部任期不足2年",
    source="001 第一部分 四 驻村帮扶责任（一）1②；004 任务46",
    source_text="②第一书记和工作队员任期一般不少于2年,到期轮换、压茬交接。",
    description="已到任的驻村干部，任期届满日期（或更早的离任日期）距任职开始日期不足 2 年：届满（离任）次日早于"
                "任职开始日期满 2 年之日。",
    tables=(CADRE,),
    sql=f"""
        SELECT c.region_code, c.cadre_id_number AS id_number,
               c.role || c.name || ' 任期 ' || CAST(c.term_start AS VARCHAR) || ' 至 '
                 || CAST(LEAST(c.term_end, COALESCE(c.left_on, c.term_end)) AS VARCHAR) || '，不足 2 年' AS detail,
               COALESCE(CAST(c.term_start AS VARCHAR), '') AS ev_term_start, CAST(LEAST(c.term_end, COALESCE(c.left_on, c.term_end)) AS VARCHAR) AS ev_term_end
        FROM {CADRE} c
        WHERE c.term_start <= {{as_of}}
          AND {_ymd("days_before(LEAST(c.term_end, COALESCE(c.left_on, c.term_end)), -1)")}
              < {_ymd("c.term_start")} + 20000
    """,
)

_rule(
    "ST-NOT-ROTATED", "驻村干部任期届满未轮换",
    source="001 第一部分 四 驻村帮扶责任（一）1②；（三）1①",
    source_text="②第一书记和工作队员任期一般不少于2年,到期轮换、压茬交接。",
    grade="orange",
    description="任期届满日期早于检查基准日，仍未登记离任（或离任日期晚于基准日）的驻村干部。",
    tables=(CADRE,),
    sql=f"""
        SELECT c.region_code, c.cadre_id_number AS id_number,
               c.role || c.name || ' 任期已于 ' || CAST(c.term_end AS VARCHAR) || ' 届满，尚未轮换' AS detail,
               COALESCE(CAST(c.term_end AS VARCHAR), '') AS ev_term_end
        FROM {CADRE} c
        WHERE {IN_POST} AND c.term_end < {{as_of}}
    """,
)

_rule(
    "ST-NO-SECRETARY", "第一书记离任后未压茬交接",
    source="001 第一部分 四 驻村帮扶责任（三）1①",
    source_text="①没有做到 “应派尽派”,没有及时开展第一书记轮换。",
    grade="orange",
    description="选派过第一书记的村，检查基准日没有在岗的第一书记（原第一书记已离任，接任者未到岗）。",
    tables=(CADRE,),
    sql=f"""
        SELECT c.region_code,
               '本村第一书记已于 ' || CAST(MAX(c.left_on) AS VARCHAR) || ' 离任，没有在岗的第一书记' AS detail,
               COALESCE(CAST(MAX(c.left_on) AS VARCHAR), '') AS ev_left_on
        FROM {CADRE} c
        WHERE c.role = '第一书记' AND c.term_start <= {{as_of}}
        GROUP BY c.region_code
        HAVING SUM(CASE WHEN c.left_on IS NULL OR c.left_on > {{as_of}} THEN 1 ELSE 0 END) = 0
    """,
)

_rule(
    "ST-SECRETARY-QUALIFY", "第一书记人选不符合条件",
    source="001 第一部分 四 驻村帮扶责任（一）2②；（三）2③",
    source_text="②第一书记人选必须是中共正式党员,具有1年以上党龄和2年以上工作经历。",
    grade="orange",
    description="在岗第一书记到任时不是中共正式党员（含预备党员），或转为正式党员不满 1 年，或参加工作不满 2 年。",
    tables=(CADRE,),
    sql=f"""
        SELECT c.region_code, c.cadre_id_number AS id_number,
               '第一书记' || c.name || '：' || CASE
                 WHEN c.party_status <> '中共党员' OR c.party_since IS NULL THEN '到任时为' || c.party_status
                 WHEN {_ymd("c.party_since")} + 10000 > {_ymd("c.term_start")} THEN '到任时党龄不满 1 年'
                 ELSE '到任时参加工作不满 2 年' END AS detail,
               c.party_status AS ev_party_status, COALESCE(CAST(c.party_since AS VARCHAR), '') AS ev_party_since, COALESCE(CAST(c.work_since AS VARCHAR), '') AS ev_work_since
        FROM {CADRE} c
        WHERE c.role = '第一书记' AND {IN_POST}
          AND (c.party_status <> '中共党员' OR c.party_since IS NULL
               OR {_ymd("c.party_since")} + 10000 > {_ymd("c.term_start")}
               OR {_ymd("c.work_since")} + 20000 > {_ymd("c.term_start")})
    """,
)

_rule(
    "ST-MEMBER-QUALIFY", "哺乳期或非在编人员选派驻村",
    source="001 第一部分 四 驻村帮扶责任（三）2③",
    source_text="③没有按照规定要求选派第一书记和工作队员。如将预备期党员选做第一书记,将哺乳期女干部选为帮扶队员,"
                "将非在编人员、已经退休人员或者不具备脱岗驻村条件的乡镇工作人员选派为驻村工作队员等。",
    grade="orange",
    description="在岗驻村干部登记为哺乳期，或不是在编人员。",
    tables=(CADRE,),
    sql=f"""
        SELECT c.region_code, c.cadre_id_number AS id_number,
               c.role || c.name || CASE WHEN c.nursing THEN ' 处于哺乳期' ELSE ' 不是在编人员' END AS detail,
               c.nursing AS ev_nursing, c.on_staff AS ev_on_staff
        FROM {CADRE} c
        WHERE {IN_POST} AND (c.nursing OR NOT c.on_staff)
    """,
)

_rule(
    "ST-TEAM-SIZE", "工作队员少于2人",
    source="001 第一部分 四 驻村帮扶责任（一）1②",
    source_text="同步选派第一书记和工作队的村,队长由第一书记兼任,队员一般不少于2人,任务重的可适当增加人数。",
    description="有在岗第一书记、也有在岗工作队员的村（同步选派第一书记和工作队），在岗工作队员（第一书记之外）不足 2 人。",
    tables=(CADRE,),
    sql=f"""
        SELECT c.region_code,
               '第一书记之外在岗工作队员 ' || CAST(SUM(CASE WHEN c.role = '工作队员' THEN 1 ELSE 0 END) AS VARCHAR)
                 || ' 人，少于 2 人' AS detail,
               SUM(CASE WHEN c.role = '工作队员' THEN 1 ELSE 0 END) AS ev_members
        FROM {CADRE} c
        WHERE {IN_POST}
        GROUP BY c.region_code
        HAVING SUM(CASE WHEN c.role = '第一书记' THEN 1 ELSE 0 END) > 0
           AND SUM(CASE WHEN c.role = '工作队员' THEN 1 ELSE 0 END) = 1
    """,
)

_rule(
    "ST-UNIT-SECRETARY", "派出单位未选派第一书记",
    source="004 任务46",
    source_text="从县级以上机关事业单位、人民团体、国有企业和高校等优秀年轻干部或经验丰富的领导干部中选派第一书记和驻村队员，"
                "每个单位至少选派1名优秀干部到村任第一书记，驻村干部任期不少于2年。",
    grade="orange",
    description="派出单位台账中的县直单位，在检查区域内没有本单位选派的在岗第一书记（按派出单位名称对照驻村干部台账）。"
                "请按全县检查：乡镇范围的检查看不到派往其他乡镇的第一书记。",
    tables=("ledger_assist_unit", CADRE),
    sql=f"""
        SELECT u.region_code, '「' || u.unit || '」没有在岗的第一书记' AS detail, u.unit AS ev_unit
        FROM ledger_assist_unit u
        WHERE u.unit_level = '县直'
          AND NOT EXISTS (SELECT 1 FROM {CADRE} c WHERE c.unit = u.unit AND c.role = '第一书记' AND {IN_POST})
    """,
)

_rule(
    "ST-FIVE-FOUR", "未落实五天四夜驻村",
    source="001 第一部分 四 驻村帮扶责任（二）3③；（三）3①",
    source_text="③坚持每周 “五天四夜”在村在岗, 严格遵守考勤、请销假工作报告、纪律约束等制度。",
    grade="orange",
    description="检查基准日前 7 天（含基准日）全程在岗的驻村干部，在村天数与请假、因公外出天数合计不足 5 天，或在村住宿"
                "夜数与请假、因公外出天数合计不足 4 夜（没有考勤记录的日子按不在村计）。",
    tables=(CADRE, "ledger_stationing_attendance"),
    sql=f"""
        WITH week AS (
            SELECT a.region_code, a.cadre_id_number,
                   SUM(CASE WHEN a.status = '在村' THEN 1 ELSE 0 END) AS present,
                   SUM(CASE WHEN a.status IN ('请假', '因公外出') THEN 1 ELSE 0 END) AS excused,
                   SUM(CASE WHEN a.status = '在村' AND a.night THEN 1 ELSE 0 END) AS nights
            FROM ledger_stationing_attendance a
            WHERE a.day > days_before({{as_of}}, 7) AND a.day <= {{as_of}}
            GROUP BY a.region_code, a.cadre_id_number
        )
        SELECT c.region_code, c.cadre_id_number AS id_number,
               c.role || c.name || ' 近 7 天在村 ' || CAST(COALESCE(w.present, 0) AS VARCHAR) || ' 天、住村 '
                 || CAST(COALESCE(w.nights, 0) AS VARCHAR) || ' 夜，请假或因公外出 '
                 || CAST(COALESCE(w.excused, 0) AS VARCHAR) || ' 天' AS detail,
               COALESCE(w.present, 0) AS ev_days, COALESCE(w.nights, 0) AS ev_nights,
               COALESCE(w.excused, 0) AS ev_excused
        FROM {CADRE} c
        LEFT JOIN week w ON w.region_code = c.region_code AND w.cadre_id_number = c.cadre_id_number
        WHERE c.term_start <= days_before({{as_of}}, 6) AND (c.left_on IS NULL OR c.left_on > {{as_of}})
          AND (COALESCE(w.present, 0) + COALESCE(w.excused, 0) < 5
               OR COALESCE(w.nights, 0) + COALESCE(w.excused, 0) < 4)
    """,
)


def _yearly(code: str, title: str, *, source: str, source_text: str, missing: str, what: str, detail: str,
            evidence: str) -> None:
    _rule(
        code, title, source=source, source_text=source_text,
        description=f"上一年度 7 月 1 日至 12 月 31 日全程在岗（驻村半年以上）的驻村干部，年度履职台账中该年度{what}。",
        tables=(CADRE, "ledger_cadre_year"),
        sql=f"""
            SELECT c.region_code, c.cadre_id_number AS id_number,
                   c.role || c.name || ' ' || CAST({Y} AS VARCHAR) || ' 年' || {detail} AS detail,
                   {Y} AS ev_year, {evidence}
            FROM {CADRE} c
            LEFT JOIN ledger_cadre_year y
              ON y.cadre_id_number = c.cadre_id_number AND y.region_code = c.region_code AND y.year = {Y}
            WHERE {HALF_YEAR} AND ({missing})
        """,
    )


_yearly(
    "ST-TRAINING", "驻村干部未参加县级以上培训",
    source="004 任务48；001 第一部分 四 驻村帮扶责任（二）1④",
    source_text="定期开展业务培训，确 保驻村干部至少参加1次县级以上培训，提升工作能力和水平。",
    missing="y.trained_on IS NULL", what="没有参加县级以上培训的日期",
    detail="'没有参加县级以上培训的记录'", evidence="COALESCE(CAST(y.trained_on AS VARCHAR), '') AS ev_trained_on",
)
_yearly(
    "ST-REPORT", "派出单位未每半年听取汇报",
    source="001 第一部分 四 驻村帮扶责任（一）1③；004 任务48",
    source_text="③派出单位加强跟踪管理,每半年听取1次第一书记和工作队员汇报。",
    missing="y.year IS NULL OR NOT y.report_h1 OR NOT y.report_h2", what="上半年或下半年没有向派出单位汇报",
    detail="CASE WHEN y.year IS NULL OR NOT y.report_h1 THEN '上半年' ELSE '' END "
           "|| CASE WHEN y.year IS NULL OR NOT y.report_h2 THEN '下半年' ELSE '' END || '没有向派出单位汇报'",
    evidence="COALESCE(y.report_h1, FALSE) AS ev_report_h1, COALESCE(y.report_h2, FALSE) AS ev_report_h2",
)
_yearly(
    "ST-ASSESSMENT", "驻村干部未进行年度考核",
    source="001 第一部分 四 驻村帮扶责任（二）1③；004 任务49",
    source_text="③驻村工作半年以上的,由所在县党委组织部门、农办、农业农村部门及乡村振兴部门会同乡镇 (街道)党(工)委进行"
                "年度考核,以适当方式听取派出单位意见,考核结果反馈派出单位。",
    missing="y.year IS NULL OR y.assessment = '未考核'", what="没有年度考核结果",
    detail="'没有年度考核结果'", evidence="COALESCE(y.assessment, '') AS ev_assessment",
)
_yearly(
    "ST-CARE", "驻村干部未体检或未办理意外伤害保险",
    source="004 任务50；001 第一部分 四 驻村帮扶责任（二）1⑥",
    source_text="每年安排驻村干部体检1次，办理人身意外伤害保险，落实驻村各项补贴。",
    missing="y.health_check_on IS NULL OR NOT y.insured", what="没有体检日期，或没有办理人身意外伤害保险",
    detail="CASE WHEN y.health_check_on IS NULL THEN '未体检' ELSE '' END "
           "|| CASE WHEN y.year IS NULL OR NOT y.insured THEN '未办理人身意外伤害保险' ELSE '' END",
    evidence="COALESCE(CAST(y.health_check_on AS VARCHAR), '') AS ev_health_check_on, COALESCE(y.insured, FALSE) AS ev_insured",
)

_rule(
    "ST-VISIT-ALL", "驻村工作队未对全村农户入户走访",
    source="004 任务47；001 第一部分 四 驻村帮扶责任（三）3③",
    source_text="驻村第一书记和工作队要会同村干部每年对在村所有农户至少入户走访1次，及时发现解决群众困难。",
    grade="orange",
    description="检查基准日前 365 天（含基准日）始终有驻村干部在岗的村，农户台账中有农户在这 365 天里既没有驻村入户走访"
                "记录，也没有监测帮扶走访记录。",
    tables=(CADRE, "households", "visits", "ledger_team_visit"),
    sql=f"""
        WITH stationed AS (
            SELECT h.region_code, h.household_id FROM households h
            WHERE EXISTS (SELECT 1 FROM {CADRE} c WHERE c.region_code = h.region_code
                            AND c.term_start <= days_before({{as_of}}, 364)
                            AND (c.left_on IS NULL OR c.left_on > {{as_of}}))
        ), totals AS (
            SELECT region_code, COUNT(*) AS n FROM stationed GROUP BY region_code
        ), unvisited AS (
            SELECT s.region_code, COUNT(*) AS n FROM stationed s
            WHERE NOT EXISTS (SELECT 1 FROM ledger_team_visit t WHERE t.household_id = s.household_id
                                AND t.visited_on > days_before({{as_of}}, 365) AND t.visited_on <= {{as_of}})
              AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.household_id = s.household_id
                                AND v.visited_on > days_before({{as_of}}, 365) AND v.visited_on <= {{as_of}})
            GROUP BY s.region_code
        )
        SELECT u.region_code,
               '近一年 ' || CAST(t.n AS VARCHAR) || ' 户中有 ' || CAST(u.n AS VARCHAR) || ' 户没有入户走访记录' AS detail,
               t.n AS ev_households, u.n AS ev_unvisited
        FROM unvisited u JOIN totals t ON t.region_code = u.region_code
    """,
)

_rule(
    "CAMPAIGN-COVERAGE", "集中排查未覆盖全村农户",
    source="002 一 1；001 第二部分 监测帮扶（一）",
    source_text="逐个乡镇、村开展评估，逐村逐户过筛盘点，发现并及时解决问题",
    grade="orange",
    description="各乡镇最近一次已结束（结束日期不晚于检查基准日）的集中排查，其下各村已排查户数少于农户台账户数"
                "（覆盖率 = 已排查户数 ÷ 农户台账户数，低于 100%）。",
    tables=("ledger_campaign", "ledger_campaign_visit", "households"),
    sql="""
        WITH ended AS (
            SELECT c.region_code, c.year, c.round, c.end_on,
                   ROW_NUMBER() OVER (PARTITION BY c.region_code ORDER BY c.end_on DESC, c.round DESC) AS rn
            FROM ledger_campaign c WHERE c.end_on <= {as_of}
        ), screened AS (
            SELECT v.household_id, v.year, v.round FROM ledger_campaign_visit v
        )
        SELECT h.region_code,
               CAST(e.year AS VARCHAR) || ' 年第 ' || CAST(e.round AS VARCHAR) || ' 次集中排查覆盖 '
                 || CAST(COUNT(s.household_id) AS VARCHAR) || '/' || CAST(COUNT(*) AS VARCHAR) || ' 户' AS detail,
               e.year AS ev_year, e.round AS ev_round, COUNT(*) AS ev_households, COUNT(s.household_id) AS ev_screened
        FROM ended e
        JOIN households h ON substr(h.region_code, 1, 9) = substr(e.region_code, 1, 9)
        LEFT JOIN screened s ON s.household_id = h.household_id AND s.year = e.year AND s.round = e.round
        WHERE e.rn = 1
        GROUP BY h.region_code, e.year, e.round
        HAVING COUNT(s.household_id) < COUNT(*)
    """,
)

_rule(
    "CAMPAIGN-TWICE", "全年集中排查少于两次",
    source="000 防返贫动态监测 1；001 第二部分 监测帮扶（一）",
    source_text="在坚持常态化排查的基础上，每年至少组织开展两次集中排查。",
    description="使用集中排查台账（登记过集中排查）且农户台账中有农户的乡镇，上一年度登记的集中排查少于 2 次。",
    tables=("ledger_campaign", "households"),
    sql=f"""
        WITH held AS (
            SELECT substr(c.region_code, 1, 9) AS town, SUM(CASE WHEN c.year = {Y} THEN 1 ELSE 0 END) AS n
            FROM ledger_campaign c GROUP BY substr(c.region_code, 1, 9)
        )
        SELECT h.town || '000' AS region_code,
               CAST({Y} AS VARCHAR) || ' 年集中排查 ' || CAST(h.n AS VARCHAR) || ' 次，少于 2 次' AS detail,
               {Y} AS ev_year, h.n AS ev_campaigns
        FROM held h
        WHERE h.n < 2 AND EXISTS (SELECT 1 FROM households x WHERE substr(x.region_code, 1, 9) = h.town)
    """,
)

# --- leaders' links, 定点帮扶 units' visits, weekly reviews ----------------------------------------------------

_rule(
    "LEADER-LINK-VISIT", "领导未到联系点调研指导",
    source="001 第一部分 一 党委和政府主体责任（三）3；003 任务71",
    source_text="党委政府主要负责同志、分管负责同志、其他分管负责同志2023年以来没有赴脱贫县、脱贫村以及分包联系点开展调研指"
                "导,或以节日走访慰问代替调研督导,未有效帮助基层解决实际困难。",
    grade="orange",
    description="上一年度 7 月 1 日至 12 月 31 日始终联系某村的领导，该年度没有到该村「调研指导」的记录"
                "（节日走访慰问不计）。",
    tables=("ledger_leader_link", "ledger_leader_visit"),
    sql=f"""
        WITH visits AS (
            SELECT v.region_code, v.leader_name,
                   SUM(CASE WHEN v.purpose = '调研指导' THEN 1 ELSE 0 END) AS guided, COUNT(*) AS n
            FROM ledger_leader_visit v WHERE year(v.visited_on) = {Y}
            GROUP BY v.region_code, v.leader_name
        )
        SELECT l.region_code,
               l.post || l.leader_name || ' ' || CAST({Y} AS VARCHAR) || ' 年没有到联系点调研指导'
                 || CASE WHEN COALESCE(v.n, 0) > 0 THEN '（只有节日走访慰问 ' || CAST(v.n AS VARCHAR) || ' 次）'
                    ELSE '' END AS detail,
               l.leader_name AS ev_leader, {Y} AS ev_year, COALESCE(v.n, 0) AS ev_greetings
        FROM ledger_leader_link l
        LEFT JOIN visits v ON v.region_code = l.region_code AND v.leader_name = l.leader_name
        WHERE {_ymd("l.since")} <= {Y} * 10000 + 701
          AND (l.until IS NULL OR {_ymd("l.until")} >= {Y} * 10000 + 1231)
          AND COALESCE(v.guided, 0) = 0
    """,
)

_UNIT_SOURCE = "001 第一部分 四 驻村帮扶责任（一）3；（三）2②"
_UNIT_TEXT = ("单位主要负责同志是第一责任人,要亲自部署推动工作,每年到定点帮扶村调研至少1次,其他班子成员累计每年到定点帮扶村"
              "调研不少于4次,实地了解情况,帮助解决问题,推动帮扶举措和工作体系管用有效。")


def _unit_visits(role: str) -> str:
    return f"""
        SELECT v.region_code, v.unit, COUNT(*) AS n FROM ledger_leader_visit v
        WHERE v.role = '{role}' AND v.purpose = '调研指导' AND year(v.visited_on) = {Y}
        GROUP BY v.region_code, v.unit
    """


_rule(
    "UNIT-MAIN-VISIT", "帮扶单位主要负责同志未到定点帮扶村调研",
    source=_UNIT_SOURCE, source_text=_UNIT_TEXT, grade="orange",
    description="派出单位台账中的单位，上一年度没有「帮扶单位主要负责同志」到其定点帮扶村调研指导的记录。",
    tables=("ledger_assist_unit", "ledger_leader_visit"),
    sql=f"""
        WITH visits AS ({_unit_visits("帮扶单位主要负责同志")})
        SELECT u.region_code,
               '「' || u.unit || '」主要负责同志 ' || CAST({Y} AS VARCHAR) || ' 年没有到定点帮扶村调研' AS detail,
               u.unit AS ev_unit, {Y} AS ev_year
        FROM ledger_assist_unit u
        LEFT JOIN visits v ON v.region_code = u.region_code AND v.unit = u.unit
        WHERE v.n IS NULL
    """,
)

_rule(
    "UNIT-LEADER-VISITS", "帮扶单位其他班子成员到村调研不足4次",
    source=_UNIT_SOURCE, source_text=_UNIT_TEXT,
    description="派出单位台账中的单位，上一年度「帮扶单位其他班子成员」到其定点帮扶村调研指导累计少于 4 次。",
    tables=("ledger_assist_unit", "ledger_leader_visit"),
    sql=f"""
        WITH visits AS ({_unit_visits("帮扶单位其他班子成员")})
        SELECT u.region_code,
               '「' || u.unit || '」其他班子成员 ' || CAST({Y} AS VARCHAR) || ' 年到定点帮扶村调研 '
                 || CAST(COALESCE(v.n, 0) AS VARCHAR) || ' 次，少于 4 次' AS detail,
               u.unit AS ev_unit, {Y} AS ev_year, COALESCE(v.n, 0) AS ev_visits
        FROM ledger_assist_unit u
        LEFT JOIN visits v ON v.region_code = u.region_code AND v.unit = u.unit
        WHERE COALESCE(v.n, 0) < 4
    """,
)

_rule(
    "MEET-WEEKLY", "村级未每周研判",
    source="004 任务1",
    source_text="村“两委”和驻村工作队每周研判一次，在取得农户承诺授权并公开公示后，上报镇县审核，录入信息系统，"
                "确保不出现“体外循环”的情况。",
    description="使用研判会议台账（登记过村级每周研判）且农户台账中有农户的村，检查基准日前 7 天（含基准日）没有"
                "「村级每周研判」会议记录。",
    tables=("households", "ledger_meeting"),
    sql="""
        WITH last AS (
            SELECT m.region_code, MAX(m.held_on) AS held_on FROM ledger_meeting m
            WHERE m.kind = '村级每周研判' AND m.held_on <= {as_of} GROUP BY m.region_code
        )
        SELECT l.region_code, '近 7 天没有村级研判记录（上次 ' || CAST(l.held_on AS VARCHAR) || '）' AS detail,
               CAST(l.held_on AS VARCHAR) AS ev_last_meeting
        FROM last l
        WHERE l.held_on <= days_before({as_of}, 7)
          AND EXISTS (SELECT 1 FROM households h WHERE h.region_code = l.region_code)
    """,
)


# --- 周三帮扶日: each 定点帮扶 unit's village has its Wednesday -----------------------------------------------

_rule(
    "ASSIST-DAY-WEEKLY", "未落实周三帮扶日",
    source="002 一 2",
    source_text="各帮扶单位要组织帮扶干部落实“周三帮扶日”制度，帮助农户一起梳理年内政策落实情况，开展一次政策宣讲和"
                "感恩教育，提升群众的获得感和认可度。",
    description="派出单位台账中各单位的定点帮扶村，检查基准日前 7 天（不含基准日，正好含一个星期三）没有周三帮扶日"
                "入户记录。",
    tables=("ledger_assist_unit", "ledger_assist_day"),
    sql="""
        WITH last AS (
            SELECT d.region_code, MAX(d.day) AS day FROM ledger_assist_day d WHERE d.day < {as_of}
            GROUP BY d.region_code
        ), units AS (
            SELECT u.region_code, MIN(u.unit) AS unit FROM ledger_assist_unit u GROUP BY u.region_code
        )
        SELECT u.region_code,
               '「' || u.unit || '」定点帮扶村上周三没有帮扶日入户记录'
                 || CASE WHEN l.day IS NULL THEN '（从未登记）'
                    ELSE '（上次 ' || CAST(l.day AS VARCHAR) || '）' END AS detail,
               u.unit AS ev_unit, COALESCE(CAST(l.day AS VARCHAR), '') AS ev_last_day
        FROM units u LEFT JOIN last l ON l.region_code = u.region_code
        WHERE l.day IS NULL OR l.day < days_before({as_of}, 7)
    """,
)

# --- 部门数据比对: each department list at least once a period (monthly) per county ---------------------------

DEPT_LISTS_SCHEMA = pa.schema([("county_code", pa.string()), ("source", pa.string()), ("source_title", pa.string()),
                               ("latest_as_of", pa.date32())])


def build_dept_lists(*, prefix: str | None, as_of: dt.date) -> pa.Table:
    """One row per county of the scope and department list: the as-of date of the county's latest applied list
    (NULL: none yet). A run narrower than a county has no county in scope, so no rows: a county's duty is judged
    only where the whole county is looked at."""
    counties = list(Region.objects.filter(in_scope_q("code", prefix), level=Level.COUNTY)
                    .order_by("code").values_list("code", flat=True))
    latest: dict[tuple[str, str], dt.date] = {}
    if counties:
        raw = pull("SELECT SUBSTR(region_code, 1, 6), format, MAX(as_of) FROM dataio_intakebatch "
                   f"WHERE status = 'applied' AND format LIKE '{DEPT_PREFIX}%' AND as_of <= '{as_of.isoformat()}' "
                   f"AND {scope_sql('region_code', prefix)} GROUP BY SUBSTR(region_code, 1, 6), format",
                   [("county", pa.string()), ("format", pa.string()), ("as_of", pa.date32())])
        latest = {(c, f.removeprefix(DEPT_PREFIX)): d for c, f, d in zip(
            raw["county"].to_pylist(), raw["format"].to_pylist(), raw["as_of"].to_pylist(), strict=True)}
    rows = [(county, s.key, s.label, latest.get((county[:6], s.key))) for county in counties for s in SOURCES.values()]
    cols = list(zip(*rows, strict=True)) if rows else [[], [], [], []]
    return pa.table([list(c) for c in cols], schema=DEPT_LISTS_SCHEMA)


register_table(TableProvider(
    "dept_lists", build_dept_lists,
    "各县各部门名单的最新批次：county_code（县代码）, source, source_title（部门·名单）, latest_as_of（最新一批已导入"
    "名单的截至日期，不晚于检查基准日；空=从未导入）",
))
register_param(ParamDef(
    "dept_list_period_days", "部门名单比对周期", default=str(STALE_DAYS), unit="天", integer=True,
    description="部门数据每月比对一次：某部门名单最新一批的截至日期早于检查基准日这么多天以上，视为未按期比对。",
    minimum="1", maximum="366"))

_rule(
    "DEPT-LIST-STALE", "部门名单未按月比对",
    source="004 任务2",
    source_text="乡村振兴局每月与民政、医保、卫健、残联等部门开展一次数据比对，召开联席会议，加强部门数据共享，"
                "发现返贫致贫风险户，及时反馈至镇村",
    grade="orange", params=("dept_list_period_days",), risk_type="部门数据比对",
    description="每个县的每一种部门名单：最新一批已导入名单的截至日期早于检查基准日 dept_list_period_days 天以上"
                "（默认 31 天，即每月一次），或从未导入。结论记在县上，名单写在说明里。只在整县（或更大范围）的"
                "检查中判断。",
    tables=("dept_lists",),
    sql="""
        SELECT l.county_code AS region_code,
               l.source_title || CASE WHEN l.latest_as_of IS NULL THEN '：尚未导入名单'
                 ELSE '：最新名单截至 ' || CAST(l.latest_as_of AS VARCHAR) || '，超过 '
                      || CAST(CAST({dept_list_period_days} AS INTEGER) AS VARCHAR) || ' 天未更新' END AS detail,
               l.source AS ev_source, COALESCE(CAST(l.latest_as_of AS VARCHAR), '') AS ev_latest_as_of
        FROM dept_lists l
        WHERE l.latest_as_of IS NULL OR l.latest_as_of < days_before({as_of}, {dept_list_period_days})
    """,
)

_rule(
    "MEET-JOINT-MONTHLY", "县未按月召开部门数据比对联席会议",
    source="004 任务2",
    source_text="乡村振兴局每月与民政、医保、卫健、残联等部门开展一次数据比对，召开联席会议，加强部门数据共享，"
                "发现返贫致贫风险户，及时反馈至镇村",
    grade="orange", params=("dept_list_period_days",), risk_type="部门数据比对",
    description="农户台账中有农户的县：检查基准日前 dept_list_period_days 天内（默认 31 天，即每月一次）没有"
                "「部门数据比对联席会议」记录（县或其乡镇登记的都算）。结论记在县上，只在整县（或更大范围）的检查中判断。",
    tables=("dept_lists", "ledger_meeting", "households"),
    sql="""
        WITH counties AS (SELECT DISTINCT l.county_code FROM dept_lists l), last AS (
            SELECT substr(m.region_code, 1, 6) AS county, MAX(m.held_on) AS held_on FROM ledger_meeting m
            WHERE m.kind = '部门数据比对联席会议' AND m.held_on <= {as_of} GROUP BY substr(m.region_code, 1, 6)
        )
        SELECT c.county_code AS region_code,
               CASE WHEN l.held_on IS NULL THEN '尚未登记部门数据比对联席会议'
                 ELSE '上次联席会议 ' || CAST(l.held_on AS VARCHAR) || '，超过 '
                      || CAST(CAST({dept_list_period_days} AS INTEGER) AS VARCHAR) || ' 天未召开' END AS detail,
               COALESCE(CAST(l.held_on AS VARCHAR), '') AS ev_last_meeting
        FROM counties c LEFT JOIN last l ON l.county = substr(c.county_code, 1, 6)
        WHERE (l.held_on IS NULL OR l.held_on < days_before({as_of}, {dept_list_period_days}))
          AND EXISTS (SELECT 1 FROM households h WHERE substr(h.region_code, 1, 6) = substr(c.county_code, 1, 6))
    """,
)
