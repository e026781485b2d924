"""Checks across fields of the welfare ledgers (`LedgerKind.check_rows`)."""

from __future__ import annotations

Problems = dict[int, list[tuple[str, str]]]


def check_grace(rows: list[dict]) -> Problems:
    return {i: [("end_on", f"渐退期结束日期 {row['end_on']} 早于开始日期 {row['start_on']}")]
            for i, row in enumerate(rows)
            if row.get("start_on") and row.get("end_on") and row["end_on"] < row["start_on"]}


def check_temporary(rows: list[dict]) -> Problems:
    problems: Problems = {}
    for i, row in enumerate(rows):
        if row.get("amount") is not None and row["amount"] <= 0:
            problems.setdefault(i, []).append(("amount", "救助金额应大于 0"))
        if row.get("filed") and row.get("approver") == "县级民政部门":
            problems.setdefault(i, []).append(("filed", "县级民政部门审批的临时救助无需报备：请核对审批单位"))
    return problems
