"""Ledger kinds: a typed model plus what an office needs to fill it in — and everything else follows.

    PUBLIC_POST = register_ledger(LedgerKind(
        key="public_post", title="公益岗位台账", area="稳岗就业", model=PublicPost, match=Match.PERSON,
        columns=(field_column(PublicPost, "post_name", aliases=("岗位",)), ...),
        natural_key=("post_name", "start_date")))

From a kind the product gives: the list page (scoped, filtered, sorted, paged, exported with the same
filters), the row page with its history, the entry and edit forms, the blank template, the import through
the intake pipeline (format `ledger.<key>`, with its 退回表) and the snapshot table `ledger_<key>` the rule
engine reads on DuckDB and on Spark. See docs/ledgers.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import models

from gonggu.accounts.permissions import Role
from gonggu.core.access import Perm
from gonggu.dataio.columns import Column, ColumnSpec, Kind

ID_ALIASES = ("身份证号码", "公民身份号码", "证件号码", "证件号")


class Match(StrEnum):
    PERSON = "person"        # a row is about one person: 身份证号 → person, household, village
    HOUSEHOLD = "household"  # about a household: any member's 身份证号 → household, village
    REGION = "region"        # about a village or township: 行政区划代码


_FIELD_KINDS: list[tuple[type, Kind]] = [
    (models.DateField, Kind.DATE),
    (models.DecimalField, Kind.AMOUNT),
    (models.BooleanField, Kind.BOOL),
    (models.IntegerField, Kind.INT),   # Positive…, Small… derive from it
]


def field_column(model: type[models.Model], name: str, **overrides) -> Column:
    """The column of one model field: header = verbose name, kind from the field's type, required unless blank,
    choices from the field's choices (their values are the words offices write). Overrides win."""
    f = model._meta.get_field(name)
    kind = Kind.CHOICE if f.choices else next((k for cls, k in _FIELD_KINDS if isinstance(f, cls)), Kind.TEXT)
    options = dict(
        name=str(f.verbose_name), key=name, kind=kind, required=not f.blank and not f.has_default(),
        choices=tuple(str(v) for v, _label in f.flatchoices) if f.choices else (),
        max_length=getattr(f, "max_length", None) or 200, help=str(f.help_text or ""),
        text=kind in (Kind.TEXT, Kind.CHOICE), negative=False,
    )
    options.update(overrides)
    return Column(**options)


@dataclass
class LedgerKind:
    key: str                              # ledger.<key> format, ledger_<key> snapshot table, /ledgers/<key>/
    title: str                            # 公益岗位台账
    area: str                             # the work area it belongs to (稳岗就业 …)
    model: type[models.Model]
    columns: tuple[Column, ...]           # the kind's own columns; Column.key names the model field
    match: Match = Match.PERSON
    # Model fields that, with the person (household, region), identify a row: re-importing updates it.
    natural_key: tuple[str, ...] = ()
    list_fields: tuple[str, ...] = ()     # shown on the list page (default: the first six columns)
    filter_fields: tuple[str, ...] = ()   # choice, yes/no or year fields offered as filters
    date_field: str = ""                  # the row's main date (list order, period filter)
    description: str = ""                 # one sentence for the index page
    source: str = ""                      # the seed passage the ledger answers to (file and place)
    notes: tuple[str, ...] = ()
    # Who may: see it (with the registry's scope), enter or edit rows, import files.
    view_perm: Perm = Perm.VIEW_REGISTRY
    edit_perm: Perm = Perm.EDIT_LEDGERS
    import_perm: Perm = Perm.IMPORT_LEDGERS
    department: str = ""                  # a department whose users import it (core.departments.Department)
    # Checks across fields and rows that one column cannot make (a date out of order, an age from the
    # 身份证号, two posts in one month): given candidate rows as dicts of field values plus id_number,
    # person_id, household_id, region_code, row_id (the row being edited, else None) and user (who imports
    # or enters them; None on the command line), returns {index: [(field name, reason in Chinese), …]}; the
    # import rejects those rows (退回表), the form refuses the row. Set-based: it reads the database once for
    # all rows. `per_row(check)` adapts a check of one row. A check may also add to a candidate the value of a
    # model field that follows from the others (a project's status from its steps' dates): the import and the
    # form store it with the row.
    check_rows: Callable[[list[dict]], dict[int, list[tuple[str, str]]]] | None = field(default=None, compare=False)
    # Fields a procedure's steps change (a status): imported and shown, never edited on the entry form.
    locked_fields: tuple[str, ...] = ()
    procedure: str = ""                   # the URL name of the row's procedure page (its steps), taking pk
    # A list another intake format writes (a department list: `dept.<source>` writes `sources.Fact` rows):
    # its rows are the model's rows matching `subset`, scoped by `region_field`; it has no entry form, no
    # import format of its own and no `ledger_<key>` table (the rules read the format's own tables).
    intake_format: str = ""
    subset: dict = field(default_factory=dict)
    region_field: str = "region_code"
    department_only: bool = False         # a department user sees it only when it names their department
    links: tuple[tuple[str, str], ...] = ()   # (label, URL name) of pages of the kind's app, shown on its list
    region_example: str = "410122101201"      # the template's example code (Match.REGION): a village's, or a township's
    _spec: ColumnSpec | None = field(default=None, repr=False, compare=False)

    @property
    def format_key(self) -> str:
        return self.intake_format or f"ledger.{self.key}"

    @property
    def editable(self) -> bool:
        """Rows entered and edited on forms: every kind but a list another format writes."""
        return not self.intake_format

    def visible_to(self, user) -> bool:
        if not user.has_perm_code(self.view_perm):
            return False
        if self.department_only and getattr(user, "role", "") == Role.DEPARTMENT_USER and not user.is_superuser:
            return user.department == self.department
        return True

    def rows(self):
        """All of the kind's rows (unscoped): its model's, or those of its `subset`."""
        return self.model.objects.filter(**self.subset)

    def has_field(self, name: str) -> bool:
        return any(f.name == name for f in self.model._meta.get_fields())

    def who(self, row) -> str:
        """The name shown for a row: its person's, its household head's, or the name as the list gave it."""
        if self.match == Match.REGION:
            return ""
        if getattr(row, "person_id", None):
            return row.person.name
        if getattr(row, "household_id", None):
            return row.household.head_name
        return getattr(row, "name", "") if not self.has_field("person") else ""

    @property
    def table(self) -> str:
        return f"ledger_{self.key}"

    def match_columns(self) -> tuple[Column, ...]:
        if self.match == Match.REGION:
            return (Column("行政区划代码", required=True, aliases=("村代码", "区划代码"), kind=Kind.CODE, key="region_code",
                           width=16, help="12 位村（社区）或乡镇代码", example=self.region_example),)
        help_text = "18 位；15 位老号码自动升级；请设为文本格式"
        aliases = ID_ALIASES
        if self.match == Match.HOUSEHOLD:
            help_text += "；该户任一成员的号码"
            aliases = (*ID_ALIASES, "户主身份证号", "户主身份证号码")
        return (Column("身份证号", required=True, aliases=aliases, kind=Kind.ID_NUMBER, key="id_number", width=22,
                       help=help_text, example="410122195001011234"),
                Column("姓名", aliases=("户主姓名",) if self.match == Match.HOUSEHOLD else ("人员姓名",),
                       kind=Kind.NAME, key="", example="张三", help="与农户台账不一致时导入并提示"))

    @property
    def spec(self) -> ColumnSpec:
        if self._spec is None:
            notes = (*self.notes,
                     "同一人（户、村）与上次导入的同一条记录（按" + ("、".join(
                         str(self.model._meta.get_field(k).verbose_name) for k in self.natural_key) or "人") +
                     "识别）再次导入时更新，不重复。" if self.natural_key else "",
                     "日期可写作 2025-03-01、2025/3/1、2025年3月1日；金额可写作 1234.5、1,234.5、1234.5元。")
            self._spec = ColumnSpec(key=self.format_key, title=self.title,
                                    columns=(*self.match_columns(), *self.columns),
                                    notes=tuple(n for n in notes if n))
        return self._spec

    @property
    def value_fields(self) -> list[str]:
        """Model fields that hold the kind's own columns, in column order."""
        return [c.key for c in self.columns if c.key]

    @property
    def form_fields(self) -> list[str]:
        return [f for f in self.value_fields if f not in self.locked_fields]

    @property
    def shown_fields(self) -> list[str]:
        return list(self.list_fields or self.value_fields[:6])

    @property
    def masked_fields(self) -> set[str]:
        """Own columns holding identity numbers (a cadre's, say): masked on pages and in exports like 身份证号."""
        return {c.key for c in self.columns if c.key and c.kind == Kind.ID_NUMBER}

    def label(self, field_name: str) -> str:
        return str(self.model._meta.get_field(field_name).verbose_name)


def per_row(check: Callable[[dict, str], list[tuple[str, str]]]) -> Callable[[list[dict]], dict]:
    """A check of one row at a time, `check(values by field name, 身份证号) -> [(field, reason)]`, as a
    `check_rows` hook."""
    def check_rows(rows: list[dict]) -> dict[int, list[tuple[str, str]]]:
        found = {}
        for index, row in enumerate(rows):
            problems = list(check(row, row.get("id_number") or ""))
            if problems:
                found[index] = problems
        return found
    return check_rows


LEDGERS: dict[str, LedgerKind] = {}


def register_ledger(kind: LedgerKind) -> LedgerKind:
    """Register a kind and its import format; called at import time of a work area's `ledger_defs.py`."""
    from gonggu.dataio.intake import register_format

    from .formats import LedgerFormat

    if kind.key in LEDGERS and LEDGERS[kind.key] is not kind:
        raise ValueError(f"ledger kind {kind.key} registered twice")
    unknown = [c.key for c in kind.columns if c.key and c.key not in {f.name for f in kind.model._meta.fields}]
    if unknown:
        raise ValueError(f"ledger kind {kind.key}: columns name fields the model does not have: {unknown}")
    LEDGERS[kind.key] = kind
    if not kind.intake_format:
        register_format(LedgerFormat(kind))
    return kind


def ledger_get(key: str) -> LedgerKind:
    from gonggu.core.errors import NotFoundInScope

    kind = LEDGERS.get(key)
    if kind is None:
        raise NotFoundInScope("台账")
    return kind
