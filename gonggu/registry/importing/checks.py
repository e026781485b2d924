"""The rejections, the registry as it is, the accepted rows and the warnings of a registry import (DuckDB)."""

from __future__ import annotations

import pyarrow as pa

from ..choices import (
    DisabilityGrade,
    Health,
    HouseholdType,
    LabourAbility,
    MonitoringType,
    Relation,
    SchoolStatus,
    WorkPlace,
)
from . import db
from .sql import (
    AMOUNTS,
    COLUMN_ORDER,
    FIRST_YEAR,
    MAX_AMOUNT_CENTS,
    cell_shown,
    in_list,
    quote,
)


class Checks:
    """Part of `Stage`: every rejected cell (`rejected`), the registry's rows for the file (`ex_*`), the accepted rows
    and their households (`ok`, `hh`, `hl`) and the warnings (`warned`)."""

    def _enum(self, key: str, values, *, required: bool, column: str | None = None) -> list[tuple[str, str, str]]:
        col = column or key
        allowed = "、".join(values)
        checks = []
        if required:
            checks.append((key, f"{key} IS NULL", "'必填，不能为空'"))
        checks.append((key, f"{key} IS NOT NULL AND {col} NOT IN {in_list(values)}",
                       f"{cell_shown(key)} || '不是规定的取值（{allowed}）'"))
        return checks

    def reject(self) -> None:
        prefix = self.options.scope_prefix
        year_max = self.options.today.year
        checks: list[tuple[str, str, str]] = [
            # A village named rather than coded (an export of the national system) that the region tree does not
            # have, or has twice: the reason names it (regions.names).
            ("village", "village_error IS NOT NULL", "village_error"),
            ("village", "village IS NULL AND village_error IS NULL", "'必填，不能为空'"),
            ("village", "village IS NOT NULL AND village_code IS NULL",
             f"'应为 12 位数字的村级区划代码，实际为' || {cell_shown('village')}"),
        ]
        if prefix is not None:
            checks.append(("village", f"village_code IS NOT NULL AND NOT starts_with(village_code, {quote(prefix)})",
                           f"'区划代码 ' || village_code || ' 不在您的管辖范围（{prefix}）内'"))
        checks += [
            ("village", "village_code IS NOT NULL AND " + (f"starts_with(village_code, {quote(prefix)}) AND " if prefix else "")
             + "village_code NOT IN (SELECT code FROM villages)",
             "'系统中没有村级区划 ' || village_code || '（请核对代码，或先导入行政区划）'"),
            ("hh_no", "hh_no IS NULL", "'必填，不能为空'"),
            ("hh_no", "regexp_full_match(hh_no, '\\d(\\.\\d+)?[eE]\\+?\\d+')",
             "'户编号被 Excel 存成了数字（科学计数法），后几位已丢失，请把该列设为文本后重新导出'"),
            ("hh_no", "length(hh_no) > 40", "'户编号超过 40 个字符'"),
            *self._enum("hh_type", HouseholdType.values, required=True),
            *self._enum("mon_type", MonitoringType.values, required=False),
            *self._enum("relation", Relation.values, required=True),
            ("name", "name IS NULL", "'必填，不能为空'"),
            ("name", "length(name) > 50", "'姓名超过 50 个字'"),
            ("id_raw", "id_raw IS NULL", "'必填，不能为空'"),
            ("id_raw", "id_error IS NOT NULL", "id_error"),
            *self._enum("labour", LabourAbility.values, required=True),
            *self._enum("health", Health.values, required=True),
            *self._enum("disability", DisabilityGrade.values, required=False, column="disability_v"),
            *self._enum("school", SchoolStatus.values, required=False),
            ("work_months", "work_months IS NOT NULL AND wm_num IS NULL", f"{cell_shown('work_months')} || '不是数字'"),
            ("work_months", "wm_num IS NOT NULL AND (wm_num <> floor(wm_num) OR wm_num < 0 OR wm_num > 12)",
             f"'应为 0–12 的整数，实际为' || {cell_shown('work_months')}"),
            *self._enum("work_place", WorkPlace.values, required=False),
            ("insured", "insured IS NOT NULL AND insured_v IS NULL", f"'应填「是」或「否」，实际为' || {cell_shown('insured')}"),
            ("relocated", "relocated IS NOT NULL AND relocated_v IS NULL",
             f"'应填「是」或「否」，实际为' || {cell_shown('relocated')}"),
        ]
        if not self.incomes:
            # No income in the file (an export of the national system): nothing about incomes to check.
            self._reject_rows(checks)
            return
        checks += [
            ("year", "year IS NULL", "'必填，不能为空'"),
            ("year", "year IS NOT NULL AND (yr_num IS NULL OR yr_num <> floor(yr_num))",
             f"{cell_shown('year')} || '不是有效的年度（如 2024）'"),
            ("year", f"yr_num = floor(yr_num) AND (yr_num < {FIRST_YEAR} OR yr_num > {year_max})",
             f"'收入年度 ' || CAST(CAST(yr_num AS INTEGER) AS VARCHAR) || ' 不在 {FIRST_YEAR}–{year_max} 之间'"),
        ]
        # The income cells are required on the 户主 row; a household listing a second 户主 (formats.md: imported and
        # reported) needs them on one of them only: the other heads' rows are stored, the income is the filled row's.
        self.sql("""
            CREATE TABLE head_blank AS
            SELECT b.row_no FROM s b
            WHERE b.is_head AND NOT b.income_filled AND NOT EXISTS (
                SELECT 1 FROM s f WHERE f.is_head AND f.income_filled
                AND f.county IS NOT DISTINCT FROM b.county AND f.hh_no IS NOT DISTINCT FROM b.hh_no)
        """)
        for a in AMOUNTS:
            checks += [
                (a, f"is_head AND {a} IS NULL AND row_no IN (SELECT row_no FROM head_blank)",
                 "'户主行必须填写（没有这项收入或支出请填 0）'"),
                (a, f"{a} IS NOT NULL AND {a}_c IS NULL", f"{cell_shown(a)} || '不是金额（应为数字，如 1234.5）'"),
                (a, f"abs({a}_c) >= {MAX_AMOUNT_CENTS}", f"{cell_shown(a)} || '金额过大'"),
            ]
        self._reject_rows(checks)

    def _reject_rows(self, checks: list[tuple[str, str, str]]) -> None:
        union = "\nUNION ALL\n".join(
            f"SELECT row_no, {quote(self.labels[key])} AS col, {COLUMN_ORDER[key]} AS col_order, {reason} AS reason "
            f"FROM s WHERE {cond}" for key, cond, reason in checks)
        self.sql(f"CREATE TABLE rejected AS {union}")
        # One identity number, one person, one household (formats.md): later rows of the same number go.
        # Grouping first keeps this cheap: only numbers that occur more than once are looked at row by row.
        self.sql("""
            CREATE TABLE dup_ids AS
            SELECT id_number, min(row_no) AS first_row FROM s WHERE id_number IS NOT NULL
            GROUP BY id_number HAVING count(*) > 1
        """)
        self.sql("""
            CREATE TABLE dup_rows AS
            SELECT s.row_no, s.county, s.hh_no, d.first_row, f.county AS first_county, f.hh_no AS first_hh
            FROM s JOIN dup_ids d USING (id_number) JOIN s f ON f.row_no = d.first_row
            WHERE s.row_no <> d.first_row
        """)
        self.sql(f"""
            INSERT INTO rejected
            SELECT row_no, {quote(self.labels['id_raw'])}, {COLUMN_ORDER['id_raw']},
                CASE WHEN first_county IS NOT DISTINCT FROM county AND first_hh = hh_no
                     THEN '与第 ' || first_row || ' 行是同一人（同一户内重复登记），本行未导入'
                     ELSE '同一身份证号已在第 ' || first_row || ' 行（户 ' || coalesce(first_hh, '空') || '）出现，'
                          || '一人只能属于一户，本行（户 ' || coalesce(hh_no, '空') || '）未导入' END
            FROM dup_rows
        """)

    def load_existing(self) -> None:
        counties = [r[0] for r in self.sql(
            "SELECT DISTINCT county FROM s WHERE village_code IN (SELECT code FROM villages) ORDER BY 1")]
        years = [r[0] for r in self.sql(
            f"SELECT DISTINCT CAST(yr_num AS INTEGER) FROM s WHERE yr_num = floor(yr_num) "
            f"AND yr_num BETWEEN {FIRST_YEAR} AND {self.options.today.year} ORDER BY 1")]
        self.counts.counties = counties
        extra = self.extras
        for name, table in (("ex_h", db.existing_households(counties, with_extra=extra)),
                            ("ex_p", db.existing_persons(counties, with_extra=extra)),
                            ("ex_i", db.existing_incomes(counties, years))):
            self.con.register(f"{name}_arrow", table)
            self.sql(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
            self.con.unregister(f"{name}_arrow")
        known = self.scalar("SELECT count(*) FROM ex_p")
        # A number registered in a county outside the file belongs to a household the importer does not manage.
        if db.persons_outside(counties, known):
            numbers = [r[0] for r in self.sql("""
                SELECT DISTINCT id_number FROM s WHERE id_number IS NOT NULL
                AND id_number NOT IN (SELECT id_number FROM ex_p)""")]
            elsewhere = db.persons_by_number(numbers)
        else:
            elsewhere = pa.table({"id_number": pa.array([], pa.string()), "region_code": pa.array([], pa.string())})
        self.con.register("else_arrow", elsewhere)
        self.sql(f"""
            INSERT INTO rejected
            SELECT s.row_no, {quote(self.labels['id_raw'])}, {COLUMN_ORDER['id_raw']},
                '此人已登记在其他县（区划代码 ' || left(e.region_code, 6) || '）的农户中，一人只能属于一户，本行未导入；'
                || '跨县迁移请由两县管理员核实后处理'
            FROM s JOIN else_arrow e USING (id_number)
            WHERE s.row_no NOT IN (SELECT row_no FROM dup_rows)
        """)
        self.con.unregister("else_arrow")

    # --- accepted rows and households ------------------------------------------------------------

    def accept(self) -> None:
        self.sql("CREATE TABLE warned (row_no BIGINT, col VARCHAR, col_order INTEGER, reason VARCHAR)")
        self.sql("CREATE TABLE bad AS SELECT DISTINCT row_no FROM rejected")
        # The rows that can be stored; a view, scanned twice below (households, then rows with their lead).
        self.sql("CREATE VIEW ok AS SELECT * FROM s WHERE row_no NOT IN (SELECT row_no FROM bad)")
        incomes = "true" if self.incomes else "false"
        self.sql(f"""
            CREATE TABLE hh AS
            WITH a AS (
                SELECT county, hh_no, count(*) AS n_ok, count(*) FILTER (WHERE is_head) AS heads_ok,
                    count(*) FILTER (WHERE is_head AND income_filled) AS filled_ok,
                    min(row_no) FILTER (WHERE is_head AND income_filled) AS first_filled,
                    min(row_no) FILTER (WHERE is_head) AS first_head, min(row_no) AS first_row
                FROM ok GROUP BY county, hh_no
            ), b AS (
                SELECT county, hh_no, count(*) AS size_all, count(*) FILTER (WHERE is_head) AS heads_all,
                    min(row_no) FILTER (WHERE is_head) AS first_head_all,
                    min(row_no) FILTER (WHERE is_head AND income_filled) AS first_filled_all
                FROM s WHERE county IS NOT NULL AND hh_no IS NOT NULL AND row_no NOT IN (SELECT row_no FROM dup_rows)
                GROUP BY county, hh_no
            )
            -- The lead row (household cells and income): the first 户主 row with its income filled in, else the
            -- first 户主 row, else the first row. Without a stored 户主 row that has the income, none is taken.
            SELECT a.*, b.size_all, b.heads_all, b.first_head_all, b.first_filled_all,
                coalesce(a.first_filled, a.first_head, a.first_row) AS lead_row,
                ({incomes} AND (a.filled_ok > 0 OR b.heads_all = 0)) AS income_ok,
                -- An integer key for the household, so that later joins do not compare text.
                row_number() OVER (ORDER BY county, hh_no) AS hh_key
            FROM a JOIN b USING (county, hh_no)
        """)
        self.sql("""
            CREATE TABLE hl AS
            SELECT hh.*, v.region_id, s.village_code, s.hh_type, s.mon_type, s.relocated_v, s.extra_h,
                CAST(s.yr_num AS INTEGER) AS year_v, s.is_head AS lead_is_head, s.name AS lead_name,
                coalesce(s.wage_c, 0) AS wage_c, coalesce(s.business_c, 0) AS business_c,
                coalesce(s.property_c, 0) AS property_c, coalesce(s.transfer_c, 0) AS transfer_c,
                coalesce(s.expense_c, 0) AS expense_c
            FROM hh JOIN s ON s.row_no = hh.lead_row JOIN villages v ON v.code = s.village_code
        """)

    def warn(self) -> None:
        incomes = "true" if self.incomes else "false"
        income_note = "；收入按本行填写的数计" if self.incomes else ""
        parts = [
            # Household-level findings: the data is stored; the data-quality rules list them too.
            f"""SELECT coalesce(first_filled_all, first_head_all), {quote(self.labels['relation'])}, {COLUMN_ORDER['relation']},
                '本户的户主行未能导入（原因见拒绝清单），本户收入账户本次未更新'
                FROM hh WHERE {incomes} AND filled_ok = 0 AND heads_all > 0""",
            f"""SELECT lead_row, {quote(self.labels['relation'])}, {COLUMN_ORDER['relation']},
                '本户没有户主（与户主关系无「户主」），已导入{income_note}'
                FROM hh WHERE heads_all = 0""",
            f"""SELECT pp.row_no, {quote(self.labels['relation'])}, {COLUMN_ORDER['relation']},
                '本户有 ' || hh.heads_ok || ' 名户主，户信息和收入按第 ' || hh.lead_row || ' 行导入'
                FROM pp JOIN hh USING (hh_key) WHERE pp.is_head AND hh.heads_ok > 1 AND pp.row_no <> hh.lead_row""",
        ]
        flags = [("hh_type", "d_hh_type", "hh_type"), ("village", "d_village", "village_code"), ("year", "d_year", "year_v")]
        if "mon_type" in self.present:
            flags.append(("mon_type", "d_mon_type", "mon_type"))
        if "relocated" in self.present:
            flags.append(("relocated", "d_relocated", "relocated_v"))
        for key, flag, lead_col in flags:
            if key == "relocated":
                shown = "CASE hl.relocated_v WHEN 1 THEN '是' WHEN 0 THEN '否' ELSE '空' END"
            else:
                shown = f"coalesce(CAST(hl.{lead_col} AS VARCHAR), '空')"
            parts.append(f"""
                SELECT pp.row_no, {quote(self.labels[key])}, {COLUMN_ORDER[key]},
                    coalesce({cell_shown('s.' + key)}, '空白') || '与本户第 ' || pp.lead_row || ' 行不一致，按「'
                    || {shown} || '」导入'
                FROM pp JOIN hl USING (hh_key) JOIN s ON s.row_no = pp.row_no WHERE pp.{flag}""")
        parts.append(f"""
            SELECT row_no, '工资性收入', {COLUMN_ORDER['wage']},
                '非户主行填写的收入不计入：收入以户主行（第 ' || lead_row || ' 行）为准'
            FROM pp WHERE d_amounts""")
        for a in AMOUNTS:
            word = "支出" if a == "expense" else "收入"
            parts.append(f"""
                SELECT lead_row, {quote(self.labels[a])}, {COLUMN_ORDER[a]},
                    '{word}为负数（' || money({a}_c) || ' 元），已按原值导入，请核实'
                FROM hl WHERE income_ok AND {a}_c < 0""")
        self.sql("""CREATE MACRO money(c) AS (CASE WHEN c < 0 THEN '-' ELSE '' END) || CAST(abs(c) // 100 AS VARCHAR)
                    || '.' || lpad(CAST(abs(c) % 100 AS VARCHAR), 2, '0')""")
        self.sql("INSERT INTO warned " + "\nUNION ALL\n".join(parts))
