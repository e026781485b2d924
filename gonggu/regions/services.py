"""Loading and changing the administrative tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

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
from gonggu.core.jobs import Progress
from gonggu.dataio.columns import Column, ColumnSpec
from gonggu.dataio.readers import read_sheet

from .models import Region

REGION_SPEC = ColumnSpec(
    key="regions",
    title="行政区划",
    columns=(
        Column("区划代码", required=True, aliases=("代码", "行政区划代码", "统计用区划代码"), text=True, width=16,
               help="12 位统计用区划代码，如 410122101201"),
        Column("名称", required=True, aliases=("区划名称", "单位名称"), width=20),
        Column("级别", required=True, aliases=("层级", "区划级别"), help="省、市、县、乡、村"),
        Column("上级代码", aliases=("上级区划代码", "父级代码"), text=True, width=16, help="省级可空，其余必填"),
    ),
    notes=("下级代码必须以上级代码的前缀开头：市 4 位、县 6 位、乡 9 位、村 12 位。",),
)


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.reason}"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "by_level": self.by_level}


class RegionFileError(UserFacingError):
    """A regions file with errors: nothing was loaded; `errors` lists every problem found."""

    def __init__(self, file_label: str, errors: list[RowError]):
        shown = "；".join(str(e) for e in errors[:20])
        more = f"；另有 {len(errors) - 20} 处错误" if len(errors) > 20 else ""
        super().__init__(f"文件 {file_label} 有 {len(errors)} 处错误，未导入任何区划：{shown}{more}")
        self.file_label = file_label
        self.errors = errors


def _code_fits_level(code: str, level: Level) -> bool:
    n = PREFIX_LENGTH[level]
    head, tail = code[:n], code[n:]
    return set(tail) <= {"0"} and not set(head[PREFIX_LENGTH[parent_level(level)] if parent_level(level) else 0:]) <= {"0"}


def regions_load(path: str | Path, *, user=None, file_label: str | None = None, progress: Progress | None = None) -> LoadResult:
    """Load (or update) regions from a file; all or nothing."""
    sheet = read_sheet(path, file_label=file_label)
    label = sheet.file_label
    match = REGION_SPEC.match_headers(sheet.header, file_label=label)
    pos = match.positions

    def cell(cells: list, name: str) -> str | None:
        i = pos.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    errors: list[RowError] = []
    parsed: dict[str, tuple[int, str, Level, str | None]] = {}
    for number, cells in sheet.rows:
        code = (cell(cells, "区划代码") or "").strip()
        name = (cell(cells, "名称") or "").strip()
        level_text = (cell(cells, "级别") or "").strip()
        parent = (cell(cells, "上级代码") or "").strip() or None
        row_errors = len(errors)
        if len(code) != CODE_LENGTH or not code.isdigit():
            errors.append(RowError(number, "区划代码", f"应为 12 位数字，实际为「{code or '空'}」"))
        elif code in parsed:
            errors.append(RowError(number, "区划代码", f"{code} 与第 {parsed[code][0]} 行重复"))
        if not name:
            errors.append(RowError(number, "名称", "不能为空"))
        level = LEVEL_BY_LABEL.get(level_text)
        if level is None:
            errors.append(RowError(number, "级别", f"「{level_text or '空'}」不是 省、市、县、乡、村 之一"))
        if parent is not None and (len(parent) != CODE_LENGTH or not parent.isdigit()):
            errors.append(RowError(number, "上级代码", f"应为 12 位数字，实际为「{parent}」"))
        if len(errors) == row_errors:
            if not _code_fits_level(code, level):
                errors.append(RowError(number, "区划代码", f"{code} 与级别「{LEVEL_LABELS[level]}」不符"))
            elif level != Level.PROVINCE and parent is None:
                errors.append(RowError(number, "上级代码", "除省级外必须填写上级代码"))
            else:
                parsed[code] = (number, name, level, parent)
    if progress:
        progress(len(sheet.rows) // 2, len(sheet.rows))

    existing = {r.code: r for r in Region.objects.all()}
    for code, (number, _name, level, parent) in parsed.items():
        if parent is None:
            continue
        parent_info = parsed.get(parent)
        parent_lvl = parent_info[2] if parent_info else (Level(existing[parent].level) if parent in existing else None)
        if parent_lvl is None:
            errors.append(RowError(number, "上级代码", f"上级 {parent} 既不在本文件中，也不在系统中"))
        elif parent_lvl != parent_level(level):
            errors.append(RowError(number, "上级代码",
                                   f"上级 {parent} 是「{LEVEL_LABELS[parent_lvl]}」级，{LEVEL_LABELS[level]}的上级应为"
                                   f"「{LEVEL_LABELS[parent_level(level)]}」级"))
        elif not code.startswith(parent[: PREFIX_LENGTH[parent_lvl]]):
            errors.append(RowError(number, "区划代码", f"{code} 不以上级 {parent} 的前缀开头"))
    if not parsed and not errors:
        raise UserFacingError(f"文件 {label} 只有表头，没有区划数据。")
    if errors:
        errors.sort(key=lambda e: e.row)
        raise RegionFileError(label, errors)

    result = LoadResult()
    with transaction.atomic():
        # Parents first, so every child can point at an existing row.
        for level in LEVEL_ORDER:
            rows = [(code, info) for code, info in parsed.items() if info[2] == level]
            if not rows:
                continue
            parents = {r.code: r for r in Region.objects.filter(code__in={i[3] for _, i in rows if i[3]})}
            to_create, to_update = [], []
            for code, (_number, name, lvl, parent_code) in rows:
                parent_obj = parents.get(parent_code) if parent_code else None
                current = existing.get(code)
                if current is None:
                    to_create.append(Region(code=code, name=name, level=lvl, parent=parent_obj,
                                            prefix=code[: PREFIX_LENGTH[lvl]], created_by=user, updated_by=user))
                elif (current.name, current.level, current.parent_id) != (name, lvl, parent_obj.pk if parent_obj else None):
                    current.name, current.level, current.parent = name, lvl, parent_obj
                    current.prefix, current.updated_by = code[: PREFIX_LENGTH[lvl]], user
                    to_update.append(current)
                else:
                    result.unchanged += 1
            # Saved one by one when few so that history records each change; bulk when many (initial load).
            if len(to_create) + len(to_update) <= 2000:
                for region in to_create + to_update:
                    region.save()
            else:
                Region.objects.bulk_create(to_create, batch_size=2000)
                Region.objects.bulk_update(to_update, ["name", "level", "parent", "prefix", "updated_by"], batch_size=2000)
            result.created += len(to_create)
            result.updated += len(to_update)
            result.by_level[LEVEL_LABELS[level]] = len(rows)
    if progress:
        progress(len(sheet.rows), len(sheet.rows))
    return result
