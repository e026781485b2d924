"""Checks across fields of the credit ledgers (`LedgerKind.check_rows`): dates in order, amounts that fit."""

from __future__ import annotations

Problems = dict[int, list[tuple[str, str]]]


def check_loans(rows: list[dict]) -> Problems:
    problems: Problems = {}

    def add(i, field, reason):
        problems.setdefault(i, []).append((field, reason))

    for i, row in enumerate(rows):
        issued, due, extended, repaid = (row.get(k) for k in ("issued_on", "due_on", "extended_due_on", "repaid_on"))
        if issued and due and due <= issued:
            add(i, "due_on", f"到期日期 {due} 不晚于放款日期 {issued}")
        if due and extended and extended <= due:
            add(i, "extended_due_on", f"续贷（展期）后到期日期 {extended} 不晚于原到期日期 {due}")
        if extended and not row.get("renewals"):
            add(i, "renewals", "填了续贷（展期）后到期日期，续贷或展期次数却为 0")
        if issued and repaid and repaid < issued:
            add(i, "repaid_on", f"结清日期 {repaid} 早于放款日期 {issued}")
        amount, subsidised = row.get("amount"), row.get("subsidised_amount")
        if amount is not None and amount <= 0:
            add(i, "amount", "贷款金额应大于 0")
        if amount is not None and subsidised is not None and subsidised > amount:
            add(i, "subsidised_amount", f"享受贴息的本金 {subsidised} 元多于贷款金额 {amount} 元")
    return problems

