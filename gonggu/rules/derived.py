"""Derived tables shared by many rules (the terms of rules.md), computed once per run in SQL.

- `persons_active`: *active person* — registry status 在册 and not deregistered as dead (死亡) by the
  latest `ga_deregistration` fact.
- `household_status`: every household with `monitored` (户类型 监测户 whose risk is not marked eliminated)
  and `key_household` (脱贫户, or monitored).
- `household_income`: per household its income year Y (the latest registry income year) with net and
  per-capita income of Y, and of Y−1 when the registry has it.
- `dept_rows`: the department rows in force (latest per person per source) with source, list title,
  batch, row number, identity number and name — what NAME-MISMATCH compares.
"""

from gonggu.sources.specs import SOURCES

from .catalog import ViewDef, register_view

PERSONS_ACTIVE = register_view(ViewDef(
    "persons_active",
    """
    SELECT p.* FROM persons p
    WHERE p.status = '在册'
      AND NOT EXISTS (SELECT 1 FROM dept_ga_deregistration g WHERE g.id_number = p.id_number AND g.reason = '死亡')
    """,
    ("persons", "dept_ga_deregistration"),
    "在册且未被公安最新注销名单注销为死亡的人员",
    materialise=False,
))

HOUSEHOLD_STATUS = register_view(ViewDef(
    "household_status",
    """
    SELECT h.household_id, h.household_no, h.region_code, h.household_type, h.monitoring_type,
           (h.household_type = '监测户' AND e.household_id IS NULL) AS monitored,
           (h.household_type = '脱贫户' OR (h.household_type = '监测户' AND e.household_id IS NULL)) AS key_household
    FROM households h
    -- By id, not 户编号: a number is unique within a county only, and another county's elimination is not ours.
    LEFT JOIN (SELECT DISTINCT household_id FROM eliminated_households) e ON e.household_id = h.household_id
    """,
    ("households", "eliminated_households"),
    "农户及其是否监测户（风险未消除）、是否重点户（脱贫户或监测户）",
))

HOUSEHOLD_INCOME = register_view(ViewDef(
    "household_income",
    """
    WITH latest AS (SELECT household_id, MAX(year) AS income_year FROM incomes GROUP BY household_id)
    SELECT l.household_id, l.income_year, c.net_income, c.per_capita, c.household_size,
           p.year AS prev_year, p.net_income AS prev_net_income, p.per_capita AS prev_per_capita
    FROM latest l
    JOIN incomes c ON c.household_id = l.household_id AND c.year = l.income_year
    LEFT JOIN incomes p ON p.household_id = l.household_id AND p.year = l.income_year - 1
    """,
    ("incomes",),
    "每户最新收入年度 Y 的纯收入、人均纯收入，以及 Y−1 年的（如有）",
))

DEPT_ROWS = register_view(ViewDef(
    "dept_rows",
    " UNION ALL ".join(
        f"SELECT '{s.key}' AS source, '{s.label}' AS list_title, batch_id, as_of, row_number, id_number, name "
        f"FROM dept_{s.key}" for s in SOURCES.values()
    ),
    tuple(f"dept_{s.key}" for s in SOURCES.values()),
    "各部门名单中当前有效的行（每人每来源最新一行）：来源、批次、截至日期、行号、身份证号、姓名",
    materialise=False,
))
