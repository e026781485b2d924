"""Column specs: one per interchange format; they drive import, template and export."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from gonggu.core.errors import UserFacingError


def normalize_header(text: object) -> str:
    """Full-width to half-width, no surrounding or inner blanks: `' 身份证号 '` == `'身份证号'`."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    return "".join(folded.split())


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    # Written as a text cell in exports (identity numbers, codes: Excel would mangle them as numbers).
    text: bool = False
    width: int = 12


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    title: str
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def match_headers(self, headers: list[object], *, file_label: str) -> HeaderMatch:
        """Map the file's header cells to canonical names; a missing required column is a per-file error."""
        lookup: dict[str, str] = {}
        for col in self.columns:
            for alias in (col.name, *col.aliases):
                lookup[normalize_header(alias)] = col.name
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


@dataclass(frozen=True)
class HeaderMatch:
    positions: dict[str, int]
    unknown: list[str]
