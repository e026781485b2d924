"""The plan of a registry import: households, persons and incomes to create or update, the outcomes, the missing
persons and the issues (DuckDB)."""

from __future__ import annotations

from ..choices import (
    PersonStatus,
)
from .sql import (
    AMOUNTS,
    COLUMN_ORDER,
    mask_sql,
    quote,
)


class Planning:
    """Part of `Stage`: the tables `hp`, `pp`, `ip`, `outcomes`, `missing` and `issues`."""

    def plan_households(self) -> None:
        mon = "coalesce(hl.mon_type, '')" if "mon_type" in self.present else "coalesce(e.monitoring_type, '')"
        reloc = "hl.relocated_v" if "relocated" in self.present else "e.relocated"
        # The kept columns of an export (`extra`); a file of the registry's own format leaves them alone.
        extra_differs = "OR e.extra IS DISTINCT FROM hl.extra" if self.extras else ""
        self.sql(f"""
            CREATE TABLE hp AS
            SELECT hl.hh_key, hl.county, hl.hh_no, hl.lead_row, hl.size_all, hl.income_ok, hl.year_v,
                hl.lead_is_head, hl.mon_type AS lead_mon_type, hl.relocated_v AS lead_relocated,
                hl.wage_c, hl.business_c, hl.property_c, hl.transfer_c, hl.expense_c,
                e.id AS hh_id, e.id IS NULL AS is_new,
                hl.region_id AS village_id, hl.village_code AS region_code, hl.hh_type AS household_type,
                {mon} AS monitoring_type, CAST({reloc} AS TINYINT) AS relocated,
                CASE WHEN hl.lead_is_head THEN hl.lead_name ELSE coalesce(e.head_name, '') END AS head_name,
                hl.extra,
                e.id IS NOT NULL AND (
                    e.village_id IS DISTINCT FROM hl.region_id OR e.region_code IS DISTINCT FROM hl.village_code
                    OR e.household_type IS DISTINCT FROM hl.hh_type OR e.monitoring_type IS DISTINCT FROM {mon}
                    OR e.relocated IS DISTINCT FROM {reloc}
                    OR e.head_name IS DISTINCT FROM (CASE WHEN hl.lead_is_head THEN hl.lead_name ELSE e.head_name END)
                    {extra_differs}
                ) AS changed
            FROM (SELECT *, coalesce(extra_h, '{{}}') AS extra FROM hl) hl LEFT JOIN ex_h e ON e.county_code = hl.county AND e.household_no = hl.hh_no
        """)

    def plan_persons(self) -> None:
        def opt(key: str, file_value: str, existing: str, default: str) -> str:
            # A column missing from the file leaves the stored value alone; a blank cell clears it.
            return f"coalesce({file_value}, {default})" if key in self.present else f"coalesce({existing}, {default})"

        values = {
            "disability_grade": opt("disability", "o.disability_v", "p.disability_grade", "''"),
            "school_status": opt("school", "o.school", "p.school_status", "''"),
            "work_months": ("CAST(o.wm_num AS SMALLINT)" if "work_months" in self.present else "p.work_months"),
            "work_place": opt("work_place", "o.work_place", "p.work_place", "''"),
            "medical_insured": ("o.insured_v" if "insured" in self.present else "p.medical_insured"),
        }
        extra_differs = "OR p.extra IS DISTINCT FROM o.extra" if self.extras else ""
        amount_differs = " OR ".join(f"(o.{a} IS NOT NULL AND o.{a}_c IS DISTINCT FROM hp.{a}_c)" for a in AMOUNTS)
        # One row per stored person: the values to write, how they compare with the registry, and flags where
        # the row disagrees with its household's lead row (the warnings are filters over these flags).
        self.sql(f"""
            CREATE TABLE pp AS
            SELECT o.row_no, hp.hh_key, o.county, o.hh_no, o.id_number, hp.hh_id, hp.region_code,
                o.name, o.relation, o.labour AS labour_ability, o.health, o.extra,
                substr(o.id_number, 7, 4) || '-' || substr(o.id_number, 11, 2) || '-' || substr(o.id_number, 13, 2)
                    AS birth_date,
                CASE WHEN ascii(substr(o.id_number, 17, 1)) % 2 = 1 THEN 'M' ELSE 'F' END AS gender,
                {values['disability_grade']} AS disability_grade, {values['school_status']} AS school_status,
                CAST({values['work_months']} AS SMALLINT) AS work_months, {values['work_place']} AS work_place,
                CAST({values['medical_insured']} AS TINYINT) AS medical_insured,
                p.id AS person_id, p.id IS NULL AS is_new, p.status AS old_status,
                p.id IS NOT NULL AND p.household_id IS DISTINCT FROM hp.hh_id AS moved,
                p.household_id AS old_household_id,
                p.id IS NOT NULL AND (
                    p.household_id IS DISTINCT FROM hp.hh_id OR p.region_code IS DISTINCT FROM hp.region_code
                    OR p.name IS DISTINCT FROM o.name OR p.relation IS DISTINCT FROM o.relation
                    OR p.labour_ability IS DISTINCT FROM o.labour OR p.health IS DISTINCT FROM o.health
                    OR p.disability_grade IS DISTINCT FROM {values['disability_grade']}
                    OR p.school_status IS DISTINCT FROM {values['school_status']}
                    OR p.work_months IS DISTINCT FROM {values['work_months']}
                    OR p.work_place IS DISTINCT FROM {values['work_place']}
                    OR p.medical_insured IS DISTINCT FROM {values['medical_insured']}
                    {extra_differs}
                ) AS changed,
                o.is_head, hp.lead_row,
                o.hh_type IS DISTINCT FROM hp.household_type AS d_hh_type,
                o.village_code IS DISTINCT FROM hp.region_code AS d_village,
                CAST(o.yr_num AS INTEGER) IS DISTINCT FROM hp.year_v AS d_year,
                o.mon_type IS DISTINCT FROM hp.lead_mon_type AS d_mon_type,
                o.relocated_v IS DISTINCT FROM hp.lead_relocated AS d_relocated,
                (NOT o.is_head AND hp.lead_is_head AND ({amount_differs})) AS d_amounts
            FROM (SELECT *, coalesce(extra_p, '{{}}') AS extra FROM ok) o JOIN hp USING (county, hh_no)
            LEFT JOIN ex_p p ON p.id_number = o.id_number
        """)
        self.sql(f"""
            INSERT INTO warned
            SELECT pp.row_no, {quote(self.labels['hh_no'])}, {COLUMN_ORDER['hh_no']},
                '此人原登记在户 ' || coalesce(h.household_no, '?') || '，本次导入转入户 ' || pp.hh_no
            FROM pp LEFT JOIN ex_h h ON h.id = pp.old_household_id WHERE pp.moved
            UNION ALL
            SELECT row_no, {quote(self.labels['id_raw'])}, {COLUMN_ORDER['id_raw']},
                '此人在系统中的状态为「' || old_status || '」，本次导入未改变其状态'
            FROM pp WHERE old_status IS NOT NULL AND old_status <> {quote(PersonStatus.ACTIVE)}
        """)

    def plan_incomes(self) -> None:
        # Per-capita net income, rounded half up (away from zero) to the cent in integer cents: the same result
        # as gonggu.registry.incomes.per_capita (a test holds the two together).
        self.sql("""
            CREATE TABLE ip AS
            WITH n AS (
                SELECT hh_key, county, hh_no, hh_id, year_v AS year, wage_c, business_c, property_c, transfer_c, expense_c,
                    CAST(size_all AS INTEGER) AS household_size,
                    wage_c + business_c + property_c + transfer_c - expense_c AS net_c
                FROM hp WHERE income_ok
            ), m AS (
                SELECT *,
                    CASE WHEN household_size <= 0 THEN 0
                         WHEN net_c >= 0 THEN (2 * net_c + household_size) // (2 * household_size)
                         ELSE -((2 * (-net_c) + household_size) // (2 * household_size)) END AS pc_c
                FROM n
            )
            SELECT m.*, i.id AS income_id, i.id IS NULL AS is_new,
                i.id IS NOT NULL AND (i.wage_c <> m.wage_c OR i.business_c <> m.business_c
                    OR i.property_c <> m.property_c OR i.transfer_c <> m.transfer_c OR i.expense_c <> m.expense_c
                    OR i.household_size <> m.household_size OR i.net_c <> m.net_c OR i.pc_c <> m.pc_c) AS changed
            FROM m LEFT JOIN ex_i i ON i.household_id = m.hh_id AND i.year = m.year
        """)

    def plan_outcomes(self) -> None:
        self.sql("""
            CREATE TABLE outcomes AS
            WITH p AS (
                SELECT hh_key, count(*) FILTER (WHERE is_new) AS created,
                    count(*) FILTER (WHERE changed) AS updated FROM pp GROUP BY hh_key
            )
            SELECT hp.hh_key, hp.county, hp.hh_no, hp.hh_id, hp.region_code, hp.is_new,
                coalesce(p.created, 0) AS persons_created, coalesce(p.updated, 0) AS persons_updated,
                coalesce(ip.is_new OR ip.changed, false) AS income_changed,
                CASE WHEN hp.is_new THEN 'created'
                     WHEN hp.changed OR coalesce(p.created, 0) + coalesce(p.updated, 0) > 0
                          OR coalesce(ip.is_new OR ip.changed, false) THEN 'updated'
                     ELSE 'unchanged' END AS outcome
            FROM hp LEFT JOIN p USING (hh_key) LEFT JOIN ip USING (hh_key)
        """)

    def plan_missing(self) -> None:
        self.sql(f"""
            CREATE TABLE missing AS
            SELECT p.id AS person_id, h.household_no, p.region_code,
                p.household_id NOT IN (SELECT hh_id FROM hp WHERE hh_id IS NOT NULL) AS household_absent
            FROM ex_p p LEFT JOIN ex_h h ON h.id = p.household_id
            WHERE p.status = {quote(PersonStatus.ACTIVE)}
              AND (p.household_id IN (SELECT hh_id FROM hp WHERE hh_id IS NOT NULL)
                   OR p.region_code IN (SELECT DISTINCT region_code FROM hp))
              AND p.id_number NOT IN (SELECT id_number FROM s WHERE id_number IS NOT NULL)
        """)

    def collect_issues(self) -> None:
        mask = f"coalesce(s.id_shown, {mask_sql('s.id_number')})"
        self.sql(f"""
            CREATE TABLE issues AS
            SELECT x.kind, x.row_no, x.col, x.col_order, x.reason, coalesce(s.hh_no, '') AS hh_no,
                {mask} AS id_masked
            FROM (
                SELECT 'rejected' AS kind, row_no, col, col_order, reason FROM rejected
                UNION ALL
                SELECT 'warning', row_no, col, col_order, reason FROM warned
            ) x JOIN s USING (row_no)
        """)
