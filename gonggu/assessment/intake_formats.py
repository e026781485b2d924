"""Negative items (负面事项) as a format of the intake pipeline (`assessment.deductions`).

The pipeline reads the sheet and types its cells; this module adds the type lookup (against the year's
indicator system of the unit's county, the shipped 2025 table by default: an unknown type is a rejected row,
never guessed) and the writer. `gonggu deductions` and the page's "只测算" run it as a dry run and score the
rows; the page's "导入并登记" imports it for one assessed unit and year.
"""

from __future__ import annotations

from django.utils import timezone

from gonggu.core.access import Perm
from gonggu.core.errors import UserFacingError
from gonggu.dataio.intake import IntakeContext, IntakeFormat, Staged, StagedRow, Written, register_format

from .deductions import DEDUCTION_SPEC, Item, TypeTable, normalize_matter, shipped_table


class DeductionFormat(IntakeFormat):
    key = "assessment.deductions"
    title = "负面事项"
    group = "考核评估"
    perm = Perm.MANAGE_ASSESSMENT
    spec = DEDUCTION_SPEC
    # The same sheet may be recorded for another unit or year; a row already recorded is skipped instead.
    refuse_duplicates = False
    description = "考核评估扣分项（负面事项）：事项、类型；同一事项按就高原则、不重复扣分"

    @staticmethod
    def year_of(ctx: IntakeContext) -> int:
        return ctx.options.get("year") or (ctx.as_of or timezone.localdate()).year

    def table_for(self, ctx: IntakeContext) -> TypeTable:
        """The table given (the command), else the one of the unit's county and the year (the pages)."""
        table = ctx.options.get("table")
        if table is None:
            from .selectors import county_code_of
            from .services import deduction_table_for

            table = deduction_table_for(year=self.year_of(ctx), county_code=county_code_of(ctx.region_code) or "")
        return table or shipped_table()

    def key_of(self, values: dict) -> str:
        return (values.get("事项") or "")[:60]

    def validate(self, ctx: IntakeContext, staged: Staged) -> None:
        table = self.table_for(ctx)
        names = "、".join(table.canonical_names)
        # The scoring of a dry run reads the recognised rows from here (the result carries no rows).
        items = ctx.options.get("items")
        for row in staged.rows:
            written = row.values["类型"]
            found = table.find(written)
            if found is None:
                staged.reject(row, "类型", f"无法识别的类型“{written}”，应为：{names}", written[:100])
                continue
            row.extra["type"] = found.type
            if items is not None:
                items.append(Item(row.number, row.values["事项"], written))

    def promote(self, ctx: IntakeContext, rows: list[StagedRow]) -> Written:
        from .models import NegativeItem

        region_code = ctx.region_code
        if not region_code:
            raise UserFacingError("负面事项要登记到被考核单位：请在“扣分测算”页面选择单位和年度后导入。")
        year = self.year_of(ctx)
        user = ctx.user

        def identity(matter, type_, happened_on, document):
            return normalize_matter(matter), type_, happened_on, document or ""

        recorded = {identity(*v) for v in NegativeItem.objects.filter(year=year, region_code=region_code)
                    .values_list("matter", "type", "happened_on", "document")}
        new, unchanged = [], 0
        for row in rows:
            v = row.values
            key = identity(v["事项"], row.extra["type"], v["发生日期"], v["通报文件或出处"])
            if key in recorded:  # recorded before (the same sheet imported again), or twice in this file
                unchanged += 1
                continue
            recorded.add(key)
            new.append(NegativeItem(year=year, region_code=region_code, matter=v["事项"], type=row.extra["type"],
                                    happened_on=v["发生日期"], document=v["通报文件或出处"] or "",
                                    note=v["说明"] or "", created_by=user, updated_by=user))
        NegativeItem.objects.bulk_create(new, batch_size=1000)
        return Written(created=len(new), unchanged=unchanged, report={"year": year})

    def detail_url(self, batch) -> str:
        from django.urls import reverse

        year = batch.report.get("year", "")
        return f"{reverse('assessment_deductions')}?region={batch.region_code}&year={year}"


DEDUCTION_FORMAT = register_format(DeductionFormat())
