"""The administrative tree as a format of the intake pipeline (`regions`).

The pipeline reads the file; this module types its cells, adds the checks of a tree (codes of 12 digits
fitting their level, no code twice, every parent known, one level up, sharing its prefix) and writes it.
A tree is all or nothing: a file with any bad row is refused whole, every problem listed, nothing written
(a village under a missing township would be an orphan). The same file may be loaded again on purpose:
re-loading an earlier tree puts it back.

The statistics bureau's list (统计用区划代码) is loaded as published, the whole country at once (≈ 665,000
rows), so rows are kept as slim objects, not dicts, and the tree is compared with the database and written
set-based through a temporary table (`tree_sql.py`). Two shapes of the published list are not 省 → 市 → 县 →
乡 → 村 and are accepted as they are:

- towns directly under a 地级市 without counties (东莞 4419, 中山 4420, 儋州 4604, 嘉峪关 6202): their codes
  carry 00 in the county digits (东莞 东城街道 441900003000) and their parent is the city;
- 省直辖县级行政区划 (济源 419001, 仙桃 429004, 石河子 659001): counties whose city digits are 90, under the
  published 4190… row ("省直辖县级行政区划", a 市-level row), or directly under their province in lists that
  leave that row out.

Codes keep their prefixes in both shapes (a 东莞 town starts with 4419, 济源 with 41 and 4190), so scoping a
query to a region by code range works unchanged.
"""

from __future__ import annotations

from types import MappingProxyType

from gonggu.core.access import Perm
from gonggu.core.codes import (
    CODE_LENGTH,
    LEVEL_BY_LABEL,
    LEVEL_LABELS,
    LEVEL_ORDER,
    PREFIX_LENGTH,
    Level,
    parent_level,
)
from gonggu.core.errors import UserFacingError
from gonggu.dataio.columns import CellProblem, Column, ColumnSpec, Kind
from gonggu.dataio.intake import (
    IntakeContext,
    IntakeFormat,
    Problem,
    Staged,
    Written,
    register_format,
)

from .models import Region
from .tree_sql import tree_write

_LEVEL_CHOICES = tuple(LEVEL_LABELS[level] for level in LEVEL_ORDER)

REGION_SPEC = ColumnSpec(
    key="regions",
    title="行政区划",
    columns=(
        Column("区划代码", required=True, aliases=("代码", "行政区划代码", "统计用区划代码"), kind=Kind.CODE,
               width=16, help="12 位统计用区划代码，如 410122101201", example="410122101201"),
        Column("名称", required=True, aliases=("区划名称", "单位名称"), width=20, max_length=100, example="东村"),
        Column("级别", required=True, aliases=("层级", "区划级别"), kind=Kind.CHOICE, choices=_LEVEL_CHOICES,
               synonyms={label: LEVEL_LABELS[level] for label, level in LEVEL_BY_LABEL.items()
                         if label not in _LEVEL_CHOICES},
               help="省、市、县、乡、村（也可写 乡镇、街道、行政村、社区 等）", example="村"),
        Column("上级代码", aliases=("上级区划代码", "父级代码"), kind=Kind.CODE, width=16,
               help="省级可空，其余必填", example="410122101000"),
    ),
    notes=("下级代码必须以上级代码的前缀开头：市 4 位、县 6 位、乡 9 位、村 12 位。",
           "文件中任何一行有错，整个文件都不会导入，错误逐行列出。"),
)

MAX_SHOWN = 20
_NO_EXTRA = MappingProxyType({})
_DEPTH = {label: LEVEL_ORDER.index(level) for label, level in LEVEL_BY_LABEL.items()}
_DEPTH.update({LEVEL_LABELS[level]: i for i, level in enumerate(LEVEL_ORDER)})
PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE = range(5)


class RegionFileError(UserFacingError):
    """A regions file with errors: nothing was loaded; `errors` lists every problem found (row, column, reason)."""

    def __init__(self, file_label: str, errors: list[Problem]):
        shown = "；".join(str(e) for e in errors[:MAX_SHOWN])
        more = f"；另有 {len(errors) - MAX_SHOWN} 处错误" if len(errors) > MAX_SHOWN else ""
        super().__init__(f"文件 {file_label} 有 {len(errors)} 处错误，未导入任何区划：{shown}{more}")
        self.file_label = file_label
        self.errors = errors


class RegionRow:
    """One row of a code list: far smaller than a staged row's dicts (a country list has 665,000 rows)."""

    __slots__ = ("number", "code", "name", "depth", "parent")

    # The pipeline's `Staged.settle` reads `extra`; a refused list raises before anything is marked.
    extra = _NO_EXTRA

    def __init__(self, number: int, code: str, name: str, depth: int, parent: str | None):
        self.number, self.code, self.name, self.depth, self.parent = number, code, name, depth, parent

    @property
    def level(self) -> Level:
        return LEVEL_ORDER[self.depth]

    @property
    def values(self) -> dict:
        return {"区划代码": self.code, "名称": self.name, "级别": LEVEL_LABELS[self.level], "上级代码": self.parent}


def _code_fits_level(code: str, level: Level) -> bool:
    """The digits of the level are not all zero, the digits below it are."""
    n = PREFIX_LENGTH[level]
    above = parent_level(level)
    head, tail = code[:n], code[n:]
    return set(tail) <= {"0"} and not set(head[PREFIX_LENGTH[above] if above else 0:]) <= {"0"}


def _is_plain_code(text: str | None) -> bool:
    return text is not None and len(text) == CODE_LENGTH and text.isascii() and text.isdigit()


def parent_depth_allowed(code: str, depth: int, parent_depth: int) -> bool:
    """One level up; or the two published exceptions (module docstring)."""
    if parent_depth == depth - 1:
        return True
    if depth == TOWNSHIP and parent_depth == CITY:
        return code[4:6] == "00"      # a town of a 地级市 without counties (东莞)
    if depth == COUNTY and parent_depth == PROVINCE:
        return code[2:4] == "90"      # 省直辖县级 without the 省直辖县级行政区划 row
    return False


class RegionFormat(IntakeFormat):
    key = "regions"
    title = "行政区划"
    group = "基础数据"
    perm = Perm.MANAGE_REGIONS
    spec = REGION_SPEC
    refuse_duplicates = False
    description = "行政区划树（省、市、县、乡、村），统计用区划代码"

    def key_of(self, values: dict) -> str:
        return values.get("区划代码") or ""

    def stage(self, sheet, ctx: IntakeContext) -> tuple[Staged, list[str]]:
        """Cells typed column by column; the common case (12 digits, a name, a level word) without the spec's
        general parser, which still gives every unusual cell its value or its reason."""
        match = self.spec.match_headers(sheet.header, file_label=ctx.file_label)
        if not sheet.rows:
            raise UserFacingError(f"文件 {ctx.file_label} 只有表头，没有数据行，未导入。")
        columns = {c.name: c for c in self.spec.columns}
        pos = match.positions
        i_code, i_name, i_level = pos["区划代码"], pos["名称"], pos["级别"]
        i_parent = pos.get("上级代码")
        staged = Staged(rows=[], read=len(sheet.rows))
        rows, problems = staged.rows, staged.problems
        parents: dict[str, str] = {}  # one string per parent code (a town's code repeats on each village)

        def slow(column: str, raw, number: int, key: str):
            try:
                return columns[column].parse(raw)
            except CellProblem as exc:
                problems.append(Problem(number, column, exc.reason, exc.value, key))
                return _BAD

        sheet_rows = sheet.rows
        for i in range(len(sheet_rows)):
            number, cells = sheet_rows[i]
            sheet_rows[i] = None  # the row's cells go into a slim row; its lists go now, not after the loop
            width = len(cells)
            code = cells[i_code] if i_code < width else None
            name = cells[i_name] if i_name < width else None
            label = cells[i_level] if i_level < width else None
            parent = cells[i_parent] if i_parent is not None and i_parent < width else None
            if not _is_plain_code(code):
                code = slow("区划代码", code, number, "")
            key = code if isinstance(code, str) else ""
            if name is None or len(name) > 100:
                name = slow("名称", name, number, key)
            depth = _DEPTH.get(label)
            if depth is None:
                label = slow("级别", label, number, key)
                depth = _DEPTH.get(label) if isinstance(label, str) else None
            if parent is not None and not _is_plain_code(parent):
                parent = slow("上级代码", parent, number, key)
            if code is _BAD or name is _BAD or depth is None or parent is _BAD:
                continue
            if parent is not None:
                parent = parents.setdefault(parent, parent)
            rows.append(RegionRow(number, code, name, depth, parent))
        sheet.rows = []
        return staged, match.unknown

    def validate(self, ctx: IntakeContext, staged: Staged) -> None:
        problems = staged.problems
        first: dict[str, RegionRow] = {}

        def reject(row: RegionRow, column: str, reason: str) -> None:
            problems.append(Problem(row.number, column, reason, "", row.code))

        for row in staged.rows:
            code, parent, level = row.code, row.parent, row.level
            bad = False
            if len(code) != CODE_LENGTH:
                reject(row, "区划代码", f"应为 12 位数字，实际为「{code}」")
                bad = True
            elif code in first:
                reject(row, "区划代码", f"{code} 与第 {first[code].number} 行重复")
                bad = True
            if parent is not None and len(parent) != CODE_LENGTH:
                reject(row, "上级代码", f"应为 12 位数字，实际为「{parent}」")
                bad = True
            if bad:
                continue
            if not _code_fits_level(code, level):
                reject(row, "区划代码", f"{code} 与级别「{LEVEL_LABELS[level]}」不符")
            elif row.depth != PROVINCE and parent is None:
                reject(row, "上级代码", "除省级外必须填写上级代码")
            else:
                first[code] = row
        missing = {r.parent for r in first.values() if r.parent is not None and r.parent not in first}
        known = {code: _DEPTH[LEVEL_LABELS[Level(level)]] for code, level in
                 Region.objects.filter(code__in=missing).values_list("code", "level")} if missing else {}
        for code, row in first.items():
            parent = row.parent
            if parent is None:
                continue
            parent_row = first.get(parent)
            parent_depth = parent_row.depth if parent_row is not None else known.get(parent)
            if parent_depth is None:
                reject(row, "上级代码", f"上级 {parent} 既不在本文件中，也不在系统中")
            elif not parent_depth_allowed(code, row.depth, parent_depth):
                level, parent_lvl = row.level, LEVEL_ORDER[parent_depth]
                reject(row, "上级代码",
                       f"上级 {parent} 是「{LEVEL_LABELS[parent_lvl]}」级，{LEVEL_LABELS[level]}的上级应为"
                       f"「{LEVEL_LABELS[parent_level(level)]}」级")
            elif not code.startswith(parent[: PREFIX_LENGTH[LEVEL_ORDER[parent_depth]]]):
                reject(row, "区划代码", f"{code} 不以上级 {parent} 的前缀开头")
        if problems:
            raise RegionFileError(ctx.file_label, sorted(problems, key=lambda p: p.row))

    def promote(self, ctx: IntakeContext, rows: list[RegionRow]) -> Written:
        return tree_write(rows, user=ctx.user, remove_missing=bool(ctx.options.get("remove_missing")))

    def json_extras(self, result) -> dict:
        report = result.written.report or (result.duplicate_of.report if result.duplicate_of else {})
        return {"by_level": report.get("by_level", {}), "changes": report.get("changes", {})}

    def detail_url(self, batch) -> str:
        from django.urls import reverse

        return reverse("region_home")


_BAD = object()
REGION_FORMAT = register_format(RegionFormat())
