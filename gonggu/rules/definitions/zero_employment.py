from ..catalog import RuleDef

RULE = RuleDef(
    code="ZERO-EMPLOYMENT",
    title="零就业家庭",
    kind="screening",
    source="004 任务11",
    source_text="针对摸排发现的“零就业”家庭，县镇村采取技能培训、职业指导、务工信息推送、“点对点”输送、公益岗位托底安置等"
                "就业帮扶措施，实现“零就业”家庭动态清零。",
    grade="orange",
    risk_type="就业",
    tables=("persons_active", "household_status", "dept_rs_employment"),
    description="重点户中至少有一名在册成员周岁 16–59（含）、劳动能力为普通劳动力或技能劳动力且不在校（台账在校情况不是学前教育、"
                "小学、初中、高中、中职、高职、大学），而没有任何在册成员就业（台账务工月数 ≥ 1，或人社最新名单为「已就业」）。",
    sql="""
        WITH members AS (
          SELECT p.* FROM persons_active p
          JOIN household_status s ON s.household_id = p.household_id AND s.key_household),
        labour AS (
          SELECT household_id, COUNT(*) AS n FROM members
          WHERE age >= 16 AND age <= 59 AND labour_ability IN ('普通劳动力', '技能劳动力')
            AND coalesce(school_status, '') NOT IN ('学前教育', '小学', '初中', '高中', '中职', '高职', '大学')
          GROUP BY household_id),
        employed AS (
          SELECT DISTINCT m.household_id FROM members m
          LEFT JOIN dept_rs_employment r ON r.id_number = m.id_number
          WHERE m.work_months >= 1 OR r.status = '已就业')
        SELECT l.household_id, CAST(NULL AS STRING) AS id_number,
               '有 ' || CAST(l.n AS STRING) || ' 名劳动年龄内有劳动能力的成员，无人就业（台账务工月数均为 0，人社名单无已就业记录）'
                 AS detail,
               'registry,rs_employment' AS ev_list, l.n AS ev_labour_members
        FROM labour l
        WHERE NOT EXISTS (SELECT 1 FROM employed e WHERE e.household_id = l.household_id)
    """,
)
