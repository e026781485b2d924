"""The result of a registry import: the pipeline's result with the registry's counts, and its JSON (cli.md)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from gonggu.dataio.intake import (
    IntakeFormat,
    IntakeResult,
    Problem,
    Written,
)

from ..models import (
    RegistryBatch,
)
from .stage import Counts, Stage

log = logging.getLogger("gonggu.import")

MAX_ISSUES_SHOWN = 50


@dataclass
class RegistryResult(IntakeResult):
    """The pipeline's result of a registry import, with the registry's own figures: `counts` (households and
    persons created, updated, unchanged, moved; income accounts; missing persons), the stage `timings` and
    the earlier applied batch of the same file. `as_json` is the pipeline's, with the registry format's keys
    (cli.md `import_registry`)."""

    counts: Counts = field(default_factory=Counts)
    timings: dict[str, float] = field(default_factory=dict)
    same_file_as: int | None = None

    def summary(self) -> str:
        c = self.counts
        head, verb = ("校验完成（未写入任何数据）", "可导入") if self.dry_run else ("导入完成", "导入")
        lines = [
            f"{self.file_label}：{head}（识别为{self.recognised_format}）。数据行 {c.rows}，{verb} {c.households} 户 {c.persons} 人；"
            f"新增 {c.households_created} 户 {c.persons_created} 人，更新 {c.households_updated} 户 {c.persons_updated} 人，"
            f"未变 {c.households_unchanged} 户 {c.persons_unchanged} 人。",
            f"拒绝 {c.rejected_rows} 行，提示 {c.warnings} 条，文件中缺少的在册成员 {c.missing} 人（待确认）。",
        ]
        if self.unknown_columns:
            lines.append(f"已忽略不认识的列：{'、'.join(self.unknown_columns)}。")
        for p in self.rejected[:MAX_ISSUES_SHOWN]:
            lines.append(f"  第 {p.row} 行「{p.column}」：{p.reason}")
        if len(self.rejected) > MAX_ISSUES_SHOWN:
            lines.append(f"  ……另有 {len(self.rejected) - MAX_ISSUES_SHOWN} 条，见 --format json、网页报告或退回表")
        return "\n".join(lines)


def registry_json(result: IntakeResult) -> dict:
    """The keys of cli.md's `import_registry` (and the ones it has always given beyond them)."""
    c = getattr(result, "counts", None) or Counts()

    def items(problems: list[Problem]) -> list[dict]:
        return [{"row": p.row, "column": p.column, "reason": p.reason, "household_no": p.key, "id_number": p.value}
                for p in problems]

    return {
        "batch": result.batch.pk if result.batch else None,
        "households": c.households,
        "persons": c.persons,
        "created": c.persons_created,
        "updated": c.persons_updated,
        "rejected": items(result.rejected),
        "unreported_missing": c.missing,
        # Beyond the contract's keys:
        "unchanged": c.persons_unchanged,
        "moved": c.persons_moved,
        "households_created": c.households_created,
        "households_updated": c.households_updated,
        "households_unchanged": c.households_unchanged,
        "income_accounts_created": c.incomes_created,
        "income_accounts_updated": c.incomes_updated,
        "rows": c.rows,
        "rejected_rows": c.rejected_rows,
        "warnings": items(result.warnings),
        "years": c.years,
        "unknown_columns": result.unknown_columns,
        "dry_run": result.dry_run,
        "same_file_as": getattr(result, "same_file_as", None),
        "file": result.file_label,
        "recognised_format": result.recognised_format,
    }


def problems_of(stage: Stage, kind: str) -> list[Problem]:
    query = "SELECT row_no, col, reason, id_masked, hh_no FROM issues WHERE kind = ? ORDER BY row_no, col_order, reason"
    return [Problem(row, column, reason, value or "", key or "") for row, column, reason, value, key
            in stage.rows(query, [kind])]


def result_of(fmt: IntakeFormat, stage: Stage, batch: RegistryBatch | None, label: str, *, dry_run: bool,
            timings: dict, same_file_as: int | None) -> RegistryResult:
    timings.update(stage.timings)
    c = stage.counts
    return RegistryResult(
        format=fmt, file_label=label, batch=batch, rows=c.rows, accepted=c.persons,
        written=Written(created=c.persons_created, updated=c.persons_updated, unchanged=c.persons_unchanged),
        rejected=problems_of(stage, "rejected"), warnings=problems_of(stage, "warning"),
        unknown_columns=list(stage.raw.unknown), dry_run=dry_run, counts=c, timings=timings,
        same_file_as=same_file_as, recognised=stage.raw.dialect.title if stage.raw.dialect is not None else "",
        layout=f"表头在第 {stage.raw.header_row} 行" + ("（两行表头）" if stage.raw.header_rows == 2 else ""))
