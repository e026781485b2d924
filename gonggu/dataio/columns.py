"""Column specs: one per interchange format; they drive the template, the import, the export and the format page.

A `Column` says everything an office needs to fill it in and everything the importer needs to read it: the
Chinese header and the other headers people write, its kind (text, value list, date, amount …), whether it
is required, the allowed values with the spellings people use for them, a help text and an example value.
`ColumnSpec.parse_row` turns one row of cells into typed values and the list of what is wrong with it — every
problem of the row, not just the first (pandera's "validate everything, then report").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import InvalidIdNumber, mask_raw, normalize

from . import cells


def normalize_header(text: object) -> str:
    """Full-width to half-width, no surrounding or inner blanks: `' 身份证号 '` == `'身份证号'`."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    return "".join(folded.split())


class Kind(StrEnum):
    TEXT = "text"
    NAME = "name"              # a person's name: blanks removed, full-width folded (compared with the registry's)
    CHOICE = "choice"          # one of `choices` (or a synonym of one)
    CHOICES = "choices"        # several of `choices`, separated by 、，;
    DATE = "date"
    YEAR_MONTH = "year_month"  # 202503, 2025-03, 2025年3月
    MONTH_OR_DATE = "month_or_date"  # a date, or a month (202503: its first day), as the national system writes
    YEAR = "year"
    MONTHS = "months"          # 0–12
    INT = "int"
    AMOUNT = "amount"          # yuan, Decimal with 2 places
    BOOL = "bool"              # 是 / 否
    ID_NUMBER = "id_number"    # 公民身份号码, normalised (formats.md)
    CODE = "code"              # digits kept as text (区划代码 …)


KIND_HELP = {
    Kind.DATE: "日期，如 2025-03-01、2025/3/1、2025年3月1日",
    Kind.YEAR_MONTH: "年月，如 202503、2025-03",
    Kind.MONTH_OR_DATE: "日期或年月，如 2025-03-01、202503（取该月 1 日）",
    Kind.YEAR: "年度，如 2025",
    Kind.MONTHS: "0–12 的整数",
    Kind.INT: "整数",
    Kind.AMOUNT: "元，如 1234.5、1,234.5、1234.5元",
    Kind.BOOL: "是、否",
    Kind.ID_NUMBER: "18 位；15 位老号码自动升级；请设为文本格式",
    Kind.CODE: "数字代码，请设为文本格式",
}
_SEPARATORS = str.maketrans({"，": "、", ",": "、", "；": "、", ";": "、", "/": "、", " ": "、"})


class CellProblem(ValueError):
    """A cell that cannot be stored truthfully; `value` is what the report may show (masked for numbers)."""

    def __init__(self, reason: str, value: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.value = value


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    # Written as a text cell in exports (identity numbers, codes: Excel would mangle them as numbers).
    text: bool = False
    width: int = 12
    kind: Kind = Kind.TEXT
    choices: tuple[str, ...] = ()
    # Other spellings of values people write, mapped to the canonical value (最低生活保障 → 低保).
    synonyms: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    example: str = ""
    # The field the value is stored in (model field, snapshot column); defaults to none (bookkeeping only).
    key: str = ""
    negative: bool = False     # amounts: may be below zero (a loss), else a negative amount is refused
    max_length: int = 200

    @property
    def help_text(self) -> str:
        if self.help:
            return self.help
        if self.choices:
            return "、".join(self.choices)
        return KIND_HELP.get(self.kind, "")

    @property
    def as_text(self) -> bool:
        return self.text or self.kind in (Kind.ID_NUMBER, Kind.CODE)

    def parse(self, raw: object, *, today=None) -> object:
        """The typed value of a cell (None for an empty optional cell); raises CellProblem with the reason."""
        text = None if raw is None else str(raw).strip()
        if not text:
            if self.required:
                raise CellProblem(f"「{self.name}」为空")
            return None
        try:
            return _PARSERS[self.kind](self, text, today)
        except cells.CellError as exc:
            raise CellProblem(str(exc), text[:100]) from None
        except InvalidIdNumber as exc:
            raise CellProblem(str(exc), mask_raw(text)) from None


def _choice(col: Column, text: str, _today) -> str:
    return cells.parse_enum(text, col.choices, col.synonyms)


def _choices(col: Column, text: str, _today) -> str:
    parts = [p for p in cells.fold(text).translate(_SEPARATORS).split("、") if p]
    values = []
    for part in parts:
        value = cells.parse_enum(part, col.choices, col.synonyms)
        if value not in values:
            values.append(value)
    return "、".join(values)


def _amount(col: Column, text: str, _today):
    value = cells.parse_amount(text)
    if value < 0 and not col.negative:
        raise cells.CellError(f"「{text}」是负数，{col.name}不能为负")
    return value


def _text(col: Column, text: str, _today) -> str:
    value = " ".join(text.split())
    if len(value) > col.max_length:
        raise cells.CellError(f"超过 {col.max_length} 个字")
    return value


def _code(col: Column, text: str, _today) -> str:
    value = cells.fold(text).removesuffix(".0")
    if not value.isdigit():
        raise cells.CellError(f"「{text}」应为数字代码")
    return value


def _month_or_date(text: str):
    try:
        return cells.parse_date(text)
    except cells.CellError:
        return cells.parse_year_month(text)


_PARSERS: dict[Kind, Callable] = {
    Kind.TEXT: _text,
    Kind.NAME: lambda col, text, _t: cells.clean_name(text),
    Kind.CHOICE: _choice,
    Kind.CHOICES: _choices,
    Kind.DATE: lambda col, text, _t: cells.parse_date(text),
    Kind.YEAR_MONTH: lambda col, text, _t: cells.parse_year_month(text),
    Kind.MONTH_OR_DATE: lambda col, text, _t: _month_or_date(text),
    Kind.YEAR: lambda col, text, _t: cells.parse_year(text),
    Kind.MONTHS: lambda col, text, _t: cells.parse_months(text),
    Kind.INT: lambda col, text, _t: cells.parse_int(text),
    Kind.AMOUNT: _amount,
    Kind.BOOL: lambda col, text, _t: cells.parse_bool(text),
    Kind.ID_NUMBER: lambda col, text, today: normalize(text, today=today),
    Kind.CODE: _code,
}


@dataclass(frozen=True)
class HeaderMatch:
    positions: dict[str, int]
    unknown: list[str]
    # The export recognised from the headers (None: the format's own columns).
    dialect: Dialect | None = None


@dataclass(frozen=True)
class Dialect:
    """Another system's export of the same data, imported as it is: its headers and values mapped onto a spec.

    Offices export from the national 防返贫监测信息系统 and import that file unchanged; its columns are named
    and filled the national way (劳动技能 for 劳动能力, 之子 for 子, dates as 202403). A dialect says how, and
    the spec it belongs to chooses it from the file's header (`ColumnSpec.recognise`).
    """

    key: str
    title: str
    # Headers that together identify the export; an entry that is a tuple is satisfied by any one of them.
    signature: tuple[str | tuple[str, ...], ...]
    # The spec's column → the export's header(s) for it (several: whichever the file has).
    headers: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    # The spec's column → the export's headers whose cells are joined with 、 into it (风险1 … 风险5 → 风险类型).
    joined: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    # The spec's column → {the export's value: the spec's value}.
    values: dict[str, dict[str, str]] = field(default_factory=dict, hash=False, compare=False)
    # The spec's column → its kind in the export (dates written as 202403 …).
    kinds: dict[str, Kind] = field(default_factory=dict, hash=False, compare=False)
    # The spec's column → the value of every row when the export has no such column (户类型 of a 脱贫户 list).
    defaults: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    # Columns the spec requires that the export does not have (it has others instead: 行政村 for the code).
    optional: tuple[str, ...] = ()
    # Columns of the export that are not the spec's, read by the format itself (县, 乡(镇), 行政村 …).
    columns: tuple[Column, ...] = ()
    # Headers of columns kept as they are that describe the household rather than the person.
    household_columns: tuple[str, ...] = ()

    def satisfied(self, present: set[str]) -> int:
        """How many signature entries the normalised headers `present` satisfy (all, or 0)."""
        for entry in self.signature:
            names = (entry,) if isinstance(entry, str) else entry
            if not any(normalize_header(n) in present for n in names):
                return 0
        return len(self.signature)

    def spec_for(self, spec: ColumnSpec) -> ColumnSpec:
        """The spec as this export fills it: its headers as aliases, its values as synonyms, its kinds."""
        columns = []
        for col in spec.columns:
            required = col.required and col.name not in self.optional and col.name not in self.defaults
            columns.append(Column(
                col.name, required=required, aliases=(*col.aliases, *self.headers.get(col.name, ())),
                help=col.help, text=col.text, width=col.width, kind=self.kinds.get(col.name, col.kind),
                choices=col.choices, synonyms={**col.synonyms, **self.values.get(col.name, {})},
                example=col.example, key=col.key, negative=col.negative, max_length=col.max_length))
        return replace(spec, columns=(*columns, *self.columns), dialects=())

    def adapt(self, header: list[object]) -> tuple[list[object], Callable[[list], list]]:
        """The header with one cell added per joined or defaulted column, and the function that adds the
        matching cells to a row (the parts joined with 、; the default value)."""
        position = {normalize_header(h): i for i, h in enumerate(header) if normalize_header(h)}
        present = set(position)
        added: list[tuple[str, tuple[int, ...] | None, str]] = []
        for name, parts in self.joined.items():
            found = tuple(position[normalize_header(p)] for p in parts if normalize_header(p) in present)
            if found and normalize_header(name) not in present:
                added.append((name, found, ""))
        for name, value in self.defaults.items():
            names = (name, *self.headers.get(name, ()))
            if not any(normalize_header(n) in present for n in names):
                added.append((name, None, value))
        if not added:
            return header, lambda cells: cells
        width = len(header)

        def extend(cells: list) -> list:
            row = list(cells[:width]) + [None] * (width - len(cells))
            for _name, parts, value in added:
                if parts is None:
                    row.append(value)
                else:
                    texts = [str(cells[i]).strip() for i in parts if i < len(cells) and cells[i] not in (None, "")]
                    row.append("、".join(t for t in texts if t) or None)
            return row

        return [*header, *(name for name, _p, _v in added)], extend

    @property
    def header_names(self) -> set[str]:
        """Every header this export may have that the format reads (for finding the header row)."""
        names = {n for entry in self.signature for n in ((entry,) if isinstance(entry, str) else entry)}
        names.update(h for hs in self.headers.values() for h in hs)
        names.update(h for hs in self.joined.values() for h in hs)
        for col in self.columns:
            names.update((col.name, *col.aliases))
        return names


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    title: str
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = field(default=())
    # Other systems' exports of the same data, recognised from their headers (`recognise`).
    dialects: tuple[Dialect, ...] = field(default=(), hash=False, compare=False)

    def recognise(self, headers: list[object], *, file_label: str) -> Dialect | None:
        """The export whose signature the headers carry (the most specific one), or None: the spec's own columns.

        A header that carries neither the spec's required columns nor any export's whole signature, but looks
        like an export (half of a signature or more), is refused with one message naming what is missing.
        """
        present = {normalize_header(h) for h in headers if normalize_header(h)}
        best = max(self.dialects, key=lambda d: d.satisfied(present), default=None)
        if best is not None and best.satisfied(present):
            return best
        own = self.lookup()
        required = [c.name for c in self.columns if c.required]
        has_own = all(any(own.get(h) == name for h in present) for name in required)
        if has_own or not self.dialects:
            return None
        for dialect in self.dialects:
            entries = [((e,) if isinstance(e, str) else e) for e in dialect.signature]
            hits = [e for e in entries if any(normalize_header(n) in present for n in e)]
            if len(hits) * 2 >= len(entries):
                missing = "、".join("/".join(e) for e in entries if e not in hits)
                known = "；".join(d.title for d in self.dialects)
                raise UserFacingError(
                    f"文件 {file_label} 的表头不是可识别的格式：看起来是其他系统的导出表，但缺少列 {missing}。"
                    f"可直接导入的导出表有：{known}；也可按{self.title}格式（见空白模板）整理后导入。")
        return None

    def all_headers(self) -> set[str]:
        """Every header the spec or one of its exports may have (normalised)."""
        names = set(self.lookup())
        for dialect in self.dialects:
            names.update(normalize_header(n) for n in dialect.header_names)
        return names

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def lookup(self) -> dict[str, str]:
        """Every accepted header (normalised) → canonical column name."""
        table: dict[str, str] = {}
        for col in self.columns:
            for alias in (col.name, *col.aliases):
                table.setdefault(normalize_header(alias), col.name)
        return table

    def match_headers(self, headers: list[object], *, file_label: str) -> HeaderMatch:
        """Map the file's header cells to canonical names; a missing required column is a per-file error."""
        lookup = self.lookup()
        positions: dict[str, int] = {}
        unknown: list[str] = []
        for i, raw in enumerate(headers):
            key = normalize_header(raw)
            if not key:
                continue
            canonical = lookup.get(key)
            if canonical is None:
                unknown.append(str(raw).strip())
            elif canonical not in positions:
                positions[canonical] = i
        missing = [c.name for c in self.columns if c.required and c.name not in positions]
        if missing:
            raise UserFacingError(
                f"文件 {file_label} 缺少必需的列：{'、'.join(missing)}（{self.title}格式要求的列见导入页面的空白模板）"
            )
        return HeaderMatch(positions=positions, unknown=unknown)

    def parse_row(self, row_cells: list, positions: dict[str, int], *, today=None,
                  memo: dict | None = None) -> tuple[dict, list[tuple[str, str, str]]]:
        """Typed values by column name, and the row's problems as (column, reason, shown value).

        `memo` (one dict for the whole file) remembers the outcome of each distinct cell of the columns whose
        values repeat (value lists, dates, amounts …): a department list of 100,000 rows has a few hundred.
        """
        values: dict[str, object] = {}
        problems: list[tuple[str, str, str]] = []
        width = len(row_cells)
        for col in self.columns:
            i = positions.get(col.name)
            raw = row_cells[i] if i is not None and i < width else None
            key = (col.name, raw) if memo is not None and col.kind not in _UNIQUE_KINDS else None
            outcome = memo.get(key, _MISSING) if key is not None else _MISSING
            if outcome is _MISSING:
                try:
                    outcome = col.parse(raw, today=today)
                except CellProblem as exc:
                    outcome = exc
                if key is not None:
                    memo[key] = outcome
            if isinstance(outcome, CellProblem):
                problems.append((col.name, outcome.reason, outcome.value))
                values[col.name] = None
            else:
                values[col.name] = outcome
        return values, problems


# Kinds whose cells are (nearly) all different: remembering them costs memory and saves nothing.
_UNIQUE_KINDS = frozenset({Kind.ID_NUMBER, Kind.NAME, Kind.TEXT})
_MISSING = object()
