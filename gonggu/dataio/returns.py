"""The 退回表: the rows a batch rejected, in the file's own columns plus 错误原因, to send back.

Built from the stored original (so the village or department gets back exactly what it sent, full identity
numbers included — it is their own file) and the batch's issues. The header is the one the file was read
with (one row, even where the original had two), so the corrected file imports as it is: 错误原因 is not a
column of any format and is ignored (and reported once) when the file comes back.
"""

from __future__ import annotations

from pathlib import Path

from gonggu.core.errors import UserFacingError
from gonggu.core.uploads import stored_path

from .models import IntakeBatch, IntakeIssue
from .readers import read_sheet
from .writers import write_xlsx

REASON_COLUMN = "错误原因"


def rejected_reasons(batch: IntakeBatch) -> dict[int, str]:
    """Row number → every problem of the row, as one sentence per cell."""
    reasons: dict[int, list[str]] = {}
    issues = batch.issues.filter(kind=IntakeIssue.Kind.REJECTED).order_by("row", "id")
    for row, column, reason in issues.values_list("row", "column", "reason").iterator(chunk_size=5000):
        reasons.setdefault(row, []).append(f"「{column}」{reason}" if column else reason)
    return {row: "；".join(parts) for row, parts in reasons.items()}


def returns_workbook(batch: IntakeBatch, spec=None) -> bytes:
    """The .xlsx 退回表 of `batch`; a batch without rejected rows or without its original file is an error."""
    reasons = rejected_reasons(batch)
    if not reasons:
        raise UserFacingError("这个批次没有被拒收的行，不需要退回表。")
    path = stored_path(batch.stored_path) if batch.stored_path else None
    if path is None or not path.exists():
        raise UserFacingError(f"批次的原始文件 {batch.file_name} 已不在存档中，无法生成退回表。")
    sheet = read_sheet(path, file_label=batch.file_name, spec=spec, sheet=batch.layout.get("sheet") or None)
    header = [str(h) if h is not None else "" for h in sheet.header]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    headers = [*(h or f"第{i + 1}列" for i, h in enumerate(header)), REASON_COLUMN]
    rows = []
    for number, cells in sheet.rows:
        reason = reasons.get(number)
        if reason is None:
            continue
        values = list(cells[:width]) + [None] * (width - len(cells[:width]))
        rows.append([*values, f"原第 {number} 行：{reason}"])
    # Every cell of the original is written as text: identity numbers and codes keep their digits.
    return write_xlsx([("退回表", headers, rows)], text_columns=set(headers[:-1]),
                      widths={REASON_COLUMN: 60})


def returns_filename(batch: IntakeBatch) -> str:
    stem = Path(batch.file_name).stem or "导入文件"
    return f"{stem}_退回表.xlsx"
