"""What the pipeline stages and reports: problems, staged rows, written counts, the context and the one result shape."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from ..models import IntakeBatch

Progress = Callable[[int, int], None]
log = logging.getLogger("gonggu.import")
MAX_ISSUES_SHOWN = 50

if TYPE_CHECKING:
    from .formats import IntakeFormat



@dataclass
class Problem:
    """One thing wrong with one row: which cell, why, and what it held (masked for identity numbers)."""

    row: int
    column: str
    reason: str
    value: str = ""
    key: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.reason}" if self.column else f"第 {self.row} 行：{self.reason}"


@dataclass
class StagedRow:
    number: int                 # the row's number in the file (1-based, as the spreadsheet shows it)
    values: dict[str, object]   # typed values by canonical column name
    # What the format's checks attach: the matched person, household, region …
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class Staged:
    """The rows of one file after their cells are parsed: the valid ones and every problem found."""

    rows: list[StagedRow]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    read: int = 0

    def reject(self, row: StagedRow, column: str, reason: str, value: str = "") -> None:
        self.problems.append(Problem(row.number, column, reason, value))
        row.extra["_rejected"] = True

    def warn(self, row: StagedRow, column: str, reason: str, value: str = "") -> None:
        self.warnings.append(Problem(row.number, column, reason, value))

    def settle(self) -> None:
        """Drop the rows a check rejected (checks mark rows; removing them once keeps each check simple)."""
        self.rows = [r for r in self.rows if not r.extra.get("_rejected")]

    @property
    def rejected_count(self) -> int:
        return len({p.row for p in self.problems})


@dataclass
class Written:
    """What a format's writer did with the valid rows."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: int = 0
    report: dict = field(default_factory=dict)


@dataclass
class IntakeContext:
    user: object
    as_of: dt.date | None
    region_code: str
    file_label: str
    batch: IntakeBatch | None = None
    options: dict = field(default_factory=dict)
    # What a format's checks carry from one chunk of rows to the next (keys already seen …).
    state: dict = field(default_factory=dict)

    @property
    def scope_prefix(self) -> str | None:
        """The importing user's region prefix (None: system-wide, e.g. the command line without a user)."""
        user = self.user
        if user is None or getattr(user, "is_superuser", False):
            return None
        return getattr(user, "scope_prefix", None)


@dataclass
class IntakeResult:
    """The one result shape of every import (cli.md: `--format json`)."""

    format: IntakeFormat
    file_label: str
    batch: IntakeBatch | None = None
    rows: int = 0
    accepted: int = 0
    written: Written = field(default_factory=Written)
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    duplicate_of: IntakeBatch | None = None
    dry_run: bool = False
    layout: str = ""
    # The export recognised from the headers (国家防返贫监测信息系统 …), or empty: the format's own columns.
    recognised: str = ""

    @property
    def recognised_format(self) -> str:
        return self.recognised or f"{self.format.title}（本系统格式）"

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.rejected})

    def as_json(self) -> dict:
        w = self.written
        data = {
            "batch": self.batch.pk if self.batch else None,
            "format": self.format.key,
            "file": self.file_label,
            "rows": self.rows,
            "accepted": self.accepted,
            "created": w.created,
            "updated": w.updated,
            "unchanged": w.unchanged,
            "unmatched": w.unmatched,
            "rejected": [p.as_dict() for p in self.rejected],
            "rejected_rows": self.rejected_rows,
            "warnings": [p.as_dict() for p in self.warnings],
            "unknown_columns": self.unknown_columns,
            "duplicate_of": self.duplicate_of.pk if self.duplicate_of else None,
            "dry_run": self.dry_run,
            "layout": self.layout,
            "recognised_format": self.recognised_format,
        }
        data.update(self.format.json_extras(self))
        return data

    def summary(self) -> str:
        if self.duplicate_of is not None:
            d = self.duplicate_of
            return (f"{self.file_label}：与第 {d.pk} 批（{d.file_name}，{timezone.localtime(d.created_at):%Y-%m-%d} 导入）"
                    "内容完全相同，未重复导入。")
        w = self.written
        head = "校验完成（未写入任何数据）" if self.dry_run else "导入完成"
        text = (f"{self.format.title} {self.file_label}：{head}（识别为{self.recognised_format}）。读取 {self.rows} 行，"
                f"{'可导入' if self.dry_run else '导入'} {self.accepted} 行（新增 {w.created}，更新 {w.updated}，"
                f"未变 {w.unchanged}），拒收 {self.rejected_rows} 行")
        if w.unmatched:
            text += f"，其中 {w.unmatched} 行的身份证号不在农户台账中（已保存，台账更新后自动匹配）"
        text += "。"
        if self.warnings:
            text += f"提示 {len(self.warnings)} 条。"
        if self.unknown_columns:
            text += f"未识别的列已忽略：{'、'.join(self.unknown_columns)}。"
        lines = [text]
        for p in self.rejected[:MAX_ISSUES_SHOWN]:
            lines.append(f"  {p}")
        if len(self.rejected) > MAX_ISSUES_SHOWN:
            lines.append(f"  ……另有 {len(self.rejected) - MAX_ISSUES_SHOWN} 条，见 --format json、网页报告或退回表")
        return "\n".join(lines)
