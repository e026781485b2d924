"""The nine department lists as ledger kinds (docs/ledgers.md, "Department lists"; issue: "the department lists
become ledgers of this pattern"): each list's facts get the pattern's list page, filters, paging, row page
and .xlsx export of the same filter, with identity numbers masked.

A list's rows are the `Fact`s of its source, written by its own intake format (`dept.<source>`: merging
duplicates, keeping unmatched rows, the batch's as-of date), so the kind names that format instead of a
ledger import of its own; a fact belongs to the county its batch was imported for. Rows are never edited on
a form: a department sends a new list. A department user sees only their own department's lists.
"""

from __future__ import annotations

from gonggu.core.access import Perm
from gonggu.ledgers.kinds import LedgerKind, Match, register_ledger

from .models import Fact
from .specs import DEPT_PREFIX, SOURCES, SourceDef

AREA = "部门数据"


def _kind(source: SourceDef) -> LedgerKind:
    own = source.spec.columns[2:]          # after 身份证号 and 姓名, which the kind's match gives
    filters = tuple(f.store for f in source.fields if f.kind in ("enum", "year"))
    return LedgerKind(
        key=f"dept_{source.key}", title=source.label, area=AREA, model=Fact,
        match=Match.HOUSEHOLD if source.household_level else Match.PERSON,
        columns=own, list_fields=("as_of", *(f.store for f in source.fields)), filter_fields=filters,
        date_field="as_of", description=f"{source.department_label}部门提供的{source.title}，按批次导入（每行注明数据截至日期）。",
        source="000 「行业部门间要加强协同配合，强化数据信息共享，形成工作合力」；formats.md「Department lists」", view_perm=Perm.IMPORT_DEPT,
        import_perm=Perm.IMPORT_DEPT, department=source.department, department_only=True,
        intake_format=DEPT_PREFIX + source.key, subset={"source": source.key}, region_field="batch__region_code")


DEPT_LEDGERS = {key: register_ledger(_kind(source)) for key, source in SOURCES.items()}
