"""The per-capita net income formula (formats.md): one place, used by imports, edits and rules."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def net_income(*, wage: Decimal, business: Decimal, property: Decimal, transfer: Decimal,
               business_expense: Decimal) -> Decimal:
    """工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出."""
    return (wage + business + property + transfer - business_expense).quantize(CENT, ROUND_HALF_UP)


def per_capita(net: Decimal, size: int) -> Decimal:
    """Household net income / household size, rounded half up to the cent."""
    if size <= 0:
        return Decimal("0.00")
    return (net / size).quantize(CENT, ROUND_HALF_UP)
