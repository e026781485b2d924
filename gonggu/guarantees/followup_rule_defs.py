"""Rules on what follows a 三保障 warning (kept apart from `rule_defs.py`, which imports this module, so neither grows
past a readable size): 六类对象 appraisal coverage, quarterly dropout screening and the dropouts it finds, and a
monitored household's water problem at its risk elimination.

They read `households`, `persons`, `dept_mz_assistance`, `dept_zj_housing`, `cases` (monitoring) and the ledger
tables `ledger_house_inspection`, `ledger_renovation`, `ledger_dropout_screening`, `ledger_dropout`,
`ledger_water_problem`.
"""

from gonggu.rules.catalog import RuleDef, register_rule

S001 = "001 第二部分"

# --- 六类对象 住房安全鉴定 --------------------------------------------------------------------------------

SIX_GROUPS_TEXT = ("2.及时开展安全鉴定 (评定,下同)。对农村易返贫致贫户、农村低保户、农村分散供养特困人员、因病因灾因意外事故等"
                   "刚性支出较大或收入大幅度缩减导致基本生活出现严重困难家庭、农村低保边缘家庭、未享受过农村住房保障政策支持且"
                   "依靠自身力量无法解决住房安全问题的其他脱贫户等六类群众进行房屋安全鉴定。")

# Each household of the six groups with the first group it belongs to, in the seed's order (a household on the
# 低保 list that is also monitored is counted once). 易返贫致贫户 are 监测户 of the types 脱贫不稳定户 and 边缘易致贫户
# (or no type given); the families in serious difficulty from rigid spending are 突发严重困难户; 低保, 特困 and 低保边缘
# are read from the latest 民政 list (在保); 其他脱贫户 are the 脱贫户 in none of these — the seed's further
# condition (never supported, unable to solve it alone) is for the village to judge, so all are listed.
SIX_GROUPS_SQL = """
    mz AS (
      SELECT p.household_id,
             MAX(CASE WHEN m.category = '低保' THEN 1 ELSE 0 END) AS dibao,
             MAX(CASE WHEN m.category = '特困' THEN 1 ELSE 0 END) AS tekun,
             MAX(CASE WHEN m.category = '低保边缘' THEN 1 ELSE 0 END) AS edge
      FROM dept_mz_assistance m JOIN persons p ON p.id_number = m.id_number
      WHERE m.status = '在保' AND m.as_of <= {as_of}
      GROUP BY p.household_id),
    six AS (
      SELECT h.household_id, h.region_code,
             CASE WHEN h.household_type = '监测户' AND COALESCE(h.monitoring_type, '') <> '突发严重困难户' THEN '易返贫致贫户'
                  WHEN COALESCE(mz.dibao, 0) = 1 THEN '农村低保户'
                  WHEN COALESCE(mz.tekun, 0) = 1 THEN '农村分散供养特困人员'
                  WHEN h.household_type = '监测户' THEN '刚性支出较大或收入大幅缩减导致基本生活出现严重困难家庭'
                  WHEN COALESCE(mz.edge, 0) = 1 THEN '农村低保边缘家庭'
                  WHEN h.household_type = '脱贫户' THEN '其他脱贫户' END AS grp
      FROM households h LEFT JOIN mz ON mz.household_id = h.household_id),
    appraised AS (
      SELECT p.household_id FROM dept_zj_housing z JOIN persons p ON p.id_number = z.id_number
      WHERE z.as_of <= {as_of} AND (z.appraisal_date IS NULL OR z.appraisal_date <= {as_of})
      UNION SELECT household_id FROM ledger_house_inspection
      WHERE household_id IS NOT NULL AND appraised_on IS NOT NULL AND appraised_on <= {as_of}
      UNION SELECT household_id FROM ledger_renovation
      WHERE household_id IS NOT NULL AND grade IN ('C级', 'D级') AND applied_on <= {as_of})
"""

register_rule(RuleDef(
    code="HOUSE-SIX-UNAPPRAISED", title="六类对象住房未做安全鉴定", kind="ledger",
    source=f"{S001} 三(二)2；004 任务21", source_text=SIX_GROUPS_TEXT, grade="orange", risk_type="住房安全",
    tables=("households", "persons", "dept_mz_assistance", "dept_zj_housing", "ledger_house_inspection",
            "ledger_renovation"),
    description="六类对象的农户（监测户中的易返贫致贫户、民政名单在保的低保户、特困人员、低保边缘家庭，突发严重困难户，其他"
                "脱贫户）在基准日没有住房安全鉴定记录：住建部门鉴定名单中没有该户成员，住房安全排查台账没有鉴定，危房改造台账"
                "也没有 C 级、D 级记录。",
    sql=f"""WITH {SIX_GROUPS_SQL}
    SELECT s.household_id, CAST(NULL AS VARCHAR) AS id_number,
           s.grp || '，住房没有安全鉴定记录' AS detail, s.grp AS ev_group
    FROM six s LEFT JOIN appraised a ON a.household_id = s.household_id
    WHERE s.grp IS NOT NULL AND a.household_id IS NULL
    """,
))


# --- 控辍保学: 每季度排查 ----------------------------------------------------------------------------------

SCREEN_TEXT = ("②各地教育行政部门要每季度开展一次疑似辍学学生排查整改工作,及时将劝返不少于三次仍不复学的辍学学生情况报县级"
               "人民政府联合劝返工作组,做到 “一生一表一档案”。")
_PREV_Q_START = ("make_date(CASE WHEN quarter({as_of}) = 1 THEN year({as_of}) - 1 ELSE year({as_of}) END, "
                 "CASE WHEN quarter({as_of}) = 1 THEN 10 ELSE (quarter({as_of}) - 2) * 3 + 1 END, 1)")
_Q_START = "make_date(year({as_of}), (quarter({as_of}) - 1) * 3 + 1, 1)"

register_rule(RuleDef(
    code="DROPOUT-SCREEN-QUARTER", title="上一季度未开展疑似辍学学生排查", kind="ledger",
    source=f"{S001} 一(二)1②；000 教育帮扶 1", source_text=SCREEN_TEXT, grade="yellow", risk_type="义务教育",
    tables=("households", "ledger_dropout_screening"),
    description="有农户的乡镇，在基准日所在季度的上一季度（已结束的整季度）里，疑似辍学学生排查台账没有该乡镇的排查记录。"
                "发现记在乡镇上。",
    sql=f"""
    WITH townships AS (SELECT DISTINCT substr(region_code, 1, 9) AS township FROM households),
    held AS (
      SELECT substr(region_code, 1, 9) AS township, COUNT(*) AS rounds FROM ledger_dropout_screening
      WHERE screened_on >= {_PREV_Q_START} AND screened_on < {_Q_START}
      GROUP BY substr(region_code, 1, 9))
    SELECT t.township || '000' AS region_code,
           CAST(year({_PREV_Q_START}) AS VARCHAR) || '年第' || CAST(quarter({_PREV_Q_START}) AS VARCHAR)
             || '季度没有疑似辍学学生排查记录' AS detail,
           {_PREV_Q_START} AS ev_quarter_start
    FROM townships t LEFT JOIN held h ON h.township = t.township
    WHERE h.rounds IS NULL
    """,
))

register_rule(RuleDef(
    code="DROPOUT-SCREEN-UNFILED", title="排查发现的辍学学生未建档", kind="ledger",
    source=f"{S001} 一(二)1②", source_text=SCREEN_TEXT, grade="orange", risk_type="义务教育",
    tables=("ledger_dropout_screening", "ledger_dropout"),
    description="按乡镇和季度：基准日前的排查记录发现的辍学、疑似辍学人数之和，多于该乡镇该季度（基准日前）发现、建档的控辍保学"
                "档案数（一生一表一档案）。发现记在乡镇上。",
    sql="""
    WITH found AS (
      SELECT substr(region_code, 1, 9) AS township, year(screened_on) AS y, quarter(screened_on) AS q,
             SUM(found) AS found
      FROM ledger_dropout_screening WHERE screened_on <= {as_of}
      GROUP BY substr(region_code, 1, 9), year(screened_on), quarter(screened_on)),
    filed AS (
      SELECT substr(region_code, 1, 9) AS township, year(found_on) AS y, quarter(found_on) AS q, COUNT(*) AS files
      FROM ledger_dropout WHERE found_on <= {as_of}
      GROUP BY substr(region_code, 1, 9), year(found_on), quarter(found_on))
    SELECT f.township || '000' AS region_code,
           CAST(f.y AS VARCHAR) || '年第' || CAST(f.q AS VARCHAR) || '季度排查发现辍学、疑似辍学 ' || CAST(f.found AS VARCHAR)
             || ' 人，控辍保学台账建档 ' || CAST(COALESCE(d.files, 0) AS VARCHAR) || ' 人' AS detail,
           f.found AS ev_found, COALESCE(d.files, 0) AS ev_files
    FROM found f LEFT JOIN filed d ON d.township = f.township AND d.y = f.y AND d.q = f.q
    WHERE f.found > COALESCE(d.files, 0)
    """,
))


# --- 饮水安全 and 风险消除 -----------------------------------------------------------------------------------

register_rule(RuleDef(
    code="WATER-CASE-ELIMINATED-OPEN", title="饮水安全问题未销号即标注风险消除", kind="ledger",
    source="001 第三部分 一(二)4①",
    source_text="4.风险消除。①收入稳定超过当年监测范围、“三保障”和饮水安全持续巩固,经综合分析研判,监测对象识别时的返贫致贫"
                "风险已经稳定消除或自然消除,且不存在新增返贫致贫风险的,按程序标注风险消除。",
    grade="red", risk_type="饮水安全", tables=("cases", "ledger_water_problem"),
    description="监测记录的风险消除日期不晚于基准日，而饮水安全问题台账中该户（涉及农户）的问题在风险消除当日尚未销号"
                "（发现不晚于消除日期，没有销号或销号晚于消除日期）。",
    sql="""
    SELECT c.household_id, CAST(NULL AS VARCHAR) AS id_number,
           '风险消除于 ' || CAST(c.eliminated_on AS VARCHAR) || '，当时' || q.category || '问题（'
             || CAST(q.found_on AS VARCHAR) || ' 发现）' ||
             CASE WHEN q.closed_on IS NULL THEN '至今未销号' ELSE '到 ' || CAST(q.closed_on AS VARCHAR) || ' 才销号' END
             AS detail,
           c.eliminated_on AS ev_eliminated_on, q.found_on AS ev_found_on
    FROM cases c JOIN ledger_water_problem q ON q.household_id = c.household_id
    WHERE c.eliminated_on IS NOT NULL AND c.eliminated_on <= {as_of}
      AND q.found_on <= c.eliminated_on AND (q.closed_on IS NULL OR q.closed_on > c.eliminated_on)
    """,
))
