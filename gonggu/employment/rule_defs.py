"""Rules over the employment ledgers (kind "ledger", 台账核查): each quotes the seed passage it checks.

They read the snapshot table `ledger_public_post` (gonggu.rules.ledger_tables) joined to the registry's
`persons_active`; a figure on a page reads their findings, never recomputes them.
"""

from gonggu.rules.catalog import ParamDef, RuleDef, register_param, register_rule

MIN_WAGE = "min_wage_monthly"

register_param(ParamDef(
    MIN_WAGE, "当地月最低工资标准", default=None, unit="元/月",
    description="公益性岗位补贴原则上不低于当地最低工资标准的 50%（001 稳岗就业（二）6）。请按本县所在的最低工资区类设置。",
    minimum="0"))

_ACTIVE = "p.start_date <= {as_of} AND (p.end_date IS NULL OR p.end_date >= {as_of})"

register_rule(RuleDef(
    code="POST-SUBSIDY-LOW",
    title="公益岗位补贴低于最低工资标准的50%",
    kind="ledger",
    source="001 第二部分 稳岗就业（二）6",
    source_text="对乡村公益性岗位安置人员原则上按照不低于当地最低工资标准的50%给予岗位补贴，同时，按规定购买意外伤害商业保险。",
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
    source="001 第三部分 关注问题 稳岗就业 5",
    source_text="公益岗管理不规范。岗位设置不合理，存在重复设置、一人多岗现象。",
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
    source="001 第二部分 稳岗就业（二）6",
    source_text="对补贴期满后存在返贫风险的脱贫家庭劳动力，可再次按程序通过公益性岗位予以安置，岗位补贴期限重新计算，"
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
    source="001 第三部分 关注问题 监测帮扶 3",
    source_text="帮扶措施不精准。制定的帮扶措施不精准、针对性不强、一致率不高，比如将丧失劳动能力群众安排公益岗位、帮扶车间务工。",
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
