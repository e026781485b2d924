"""The administrative tree as a format of the intake pipeline (`regions`).

The pipeline reads the file and types its cells; this module adds the checks of a tree (codes of 12 digits
fitting their level, no code twice, every parent known, one level up, sharing its prefix) and writes it.
A tree is all or nothing: a file with any bad row is refused whole, every problem listed, nothing written
(a village under a missing township would be an orphan). The same file may be loaded again on purpose:
re-loading an earlier tree puts it back.
"""

from __future__ import annotations

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
from gonggu.dataio.columns import Column, ColumnSpec, Kind
from gonggu.dataio.intake import (
    IntakeContext,
    IntakeFormat,
    Problem,
    Staged,
    StagedRow,
    Written,
    register_format,
)

from .models import Region

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
# Fewer changes than this are saved one by one so that the history records each; more (a first load) in bulk.
SAVE_ONE_BY_ONE = 2000


class RegionFileError(UserFacingError):
    """A regions file with errors: nothing was loaded; `errors` lists every problem found (row, column, reason)."""

    def __init__(self, file_label: str, errors: list[Problem]):
        shown = "；".join(str(e) for e in errors[:MAX_SHOWN])
        more = f"；另有 {len(errors) - MAX_SHOWN} 处错误" if len(errors) > MAX_SHOWN else ""
        super().__init__(f"文件 {file_label} 有 {len(errors)} 处错误，未导入任何区划：{shown}{more}")
        self.file_label = file_label
        self.errors = errors


def _code_fits_level(code: str, level: Level) -> bool:
    """The digits of the level are not all zero, the digits below it are."""
    n = PREFIX_LENGTH[level]
    above = parent_level(level)
    head, tail = code[:n], code[n:]
    return set(tail) <= {"0"} and not set(head[PREFIX_LENGTH[above] if above else 0:]) <= {"0"}


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

    def validate(self, ctx: IntakeContext, staged: Staged) -> None:
        first: dict[str, StagedRow] = {}
        for row in staged.rows:
            v = row.values
            code, parent, level = v["区划代码"], v["上级代码"], Level(LEVEL_BY_LABEL[v["级别"]])
            row.extra["level"] = level
            if len(code) != CODE_LENGTH:
                staged.reject(row, "区划代码", f"应为 12 位数字，实际为「{code}」")
            elif code in first:
                staged.reject(row, "区划代码", f"{code} 与第 {first[code].number} 行重复")
            if parent is not None and len(parent) != CODE_LENGTH:
                staged.reject(row, "上级代码", f"应为 12 位数字，实际为「{parent}」")
            if row.extra.get("_rejected"):
                continue
            if not _code_fits_level(code, level):
                staged.reject(row, "区划代码", f"{code} 与级别「{LEVEL_LABELS[level]}」不符")
            elif level != Level.PROVINCE and parent is None:
                staged.reject(row, "上级代码", "除省级外必须填写上级代码")
            else:
                first[code] = row
        parents_known = dict(Region.objects.filter(code__in={r.values["上级代码"] for r in first.values()} - set(first))
                             .values_list("code", "level"))
        for code, row in first.items():
            parent, level = row.values["上级代码"], row.extra["level"]
            if parent is None:
                continue
            if parent in first:
                parent_lvl = first[parent].extra["level"]
            else:
                parent_lvl = Level(parents_known[parent]) if parent in parents_known else None
            if parent_lvl is None:
                staged.reject(row, "上级代码", f"上级 {parent} 既不在本文件中，也不在系统中")
            elif parent_lvl != parent_level(level):
                staged.reject(row, "上级代码",
                              f"上级 {parent} 是「{LEVEL_LABELS[parent_lvl]}」级，{LEVEL_LABELS[level]}的上级应为"
                              f"「{LEVEL_LABELS[parent_level(level)]}」级")
            elif not code.startswith(parent[: PREFIX_LENGTH[parent_lvl]]):
                staged.reject(row, "区划代码", f"{code} 不以上级 {parent} 的前缀开头")
        if staged.problems:
            raise RegionFileError(ctx.file_label, sorted(staged.problems, key=lambda p: p.row))

    def promote(self, ctx: IntakeContext, rows: list[StagedRow]) -> Written:
        user = ctx.user
        written = Written()
        by_level: dict[str, int] = {}
        existing = {r.code: r for r in Region.objects.filter(code__in=[r.values["区划代码"] for r in rows])}
        # Parents first, so every child can point at an existing row.
        for level in LEVEL_ORDER:
            of_level = [r for r in rows if r.extra["level"] == level]
            if not of_level:
                continue
            parents = {r.code: r for r in Region.objects.filter(
                code__in={r.values["上级代码"] for r in of_level if r.values["上级代码"]})}
            to_create, to_update = [], []
            for row in of_level:
                code, name, parent_code = row.values["区划代码"], row.values["名称"], row.values["上级代码"]
                parent = parents.get(parent_code) if parent_code else None
                current = existing.get(code)
                if current is None:
                    to_create.append(Region(code=code, name=name, level=level, parent=parent,
                                            prefix=code[: PREFIX_LENGTH[level]], created_by=user, updated_by=user))
                elif (current.name, current.level, current.parent_id) != (name, level, parent.pk if parent else None):
                    current.name, current.level, current.parent = name, level, parent
                    current.prefix, current.updated_by = code[: PREFIX_LENGTH[level]], user
                    to_update.append(current)
                else:
                    written.unchanged += 1
            if len(to_create) + len(to_update) <= SAVE_ONE_BY_ONE:
                for region in to_create + to_update:
                    region.save()
            else:
                Region.objects.bulk_create(to_create, batch_size=2000)
                Region.objects.bulk_update(to_update, ["name", "level", "parent", "prefix", "updated_by"],
                                           batch_size=2000)
            written.created += len(to_create)
            written.updated += len(to_update)
            by_level[LEVEL_LABELS[level]] = len(of_level)
        written.report = {"by_level": by_level}
        return written

    def json_extras(self, result) -> dict:
        report = result.written.report or (result.duplicate_of.report if result.duplicate_of else {})
        return {"by_level": report.get("by_level", {})}

    def detail_url(self, batch) -> str:
        from django.urls import reverse

        return reverse("region_home")


REGION_FORMAT = register_format(RegionFormat())
