"""Reading cells: dates, amounts, years, month counts, value lists — one parser per column kind.

Each parser returns the value or raises `CellError` with a Chinese reason that
an import report shows next to the row and column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?: .*)?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_BLANKS = re.compile(r"[\s\u00a0\u3000]+")


class CellError(ValueError):
    pass


def fold(text: str) -> str:
    """Full-width to half-width, no blanks: what people mean when they type a value."""
    return _BLANKS.sub("", unicodedata.normalize("NFKC", text))


def parse_date(text: str) -> dt.date:
    value = fold(text)
    if re.fullmatch(r"\d{5}(\.0+)?", value):
        # An Excel date cell read as its serial number (e.g. 45717 = 2025-03-01).
        serial = int(float(value))
        if 20000 <= serial <= 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=serial)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(value)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise CellError(f"「{text}」不是真实的日期") from None
    raise CellError(f"「{text}」不是可识别的日期（应写作 2025-03-01、2025/3/1 或 2025年3月1日）")


def parse_amount(text: str) -> Decimal:
    value = fold(text).replace(",", "").replace("，", "")
    for unit in ("元", "￥", "¥", "RMB"):
        value = value.replace(unit, "")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise CellError(f"「{text}」不是金额（应写作 1234.5、1,234.5 或 1234.5元）") from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise CellError(f"「{text}」不是合理的金额")
    return amount.quantize(CENT, ROUND_HALF_UP)


def parse_year(text: str) -> int:
    value = fold(text).removesuffix("年度").removesuffix("年")
    if re.fullmatch(r"\d{4}(\.0+)?", value):
        year = int(float(value))
        if 1950 <= year <= 2100:
            return year
    raise CellError(f"「{text}」不是年度（应写作 2024）")


def parse_months(text: str) -> int:
    value = fold(text).removesuffix("个月").removesuffix("月")
    if re.fullmatch(r"\d{1,2}(\.0+)?", value):
        months = int(float(value))
        if 0 <= months <= 12:
            return months
    raise CellError(f"「{text}」不是 0–12 的整数月数")


def parse_enum(text: str, values: tuple[str, ...], aliases: dict[str, str]) -> str:
    value = fold(text)
    if value in values:
        return value
    if value in aliases:
        return aliases[value]
    upper = value.upper()
    if upper in values:
        return upper
    raise CellError(f"「{text}」不是允许的取值（{'、'.join(values)}）")


def clean_name(text: str | None) -> str:
    """Names are compared with the registry's: no blanks, full-width letters folded."""
    return fold(text or "")[:50]


def parse_int(text: str) -> int:
    value = fold(text).replace(",", "")
    if re.fullmatch(r"-?\d{1,12}(\.0+)?", value):
        return int(float(value))
    raise CellError(f"「{text}」不是整数")


_YES = {"是", "有", "Y", "YES", "TRUE", "1", "√", "已参加", "参加"}
_NO = {"否", "无", "N", "NO", "FALSE", "0", "×", "未参加", "不参加"}


def parse_bool(text: str) -> bool:
    value = fold(text).upper()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise CellError(f"「{text}」应填写“是”或“否”")


def parse_year_month(text: str) -> dt.date:
    """`202503`, `2025-03`, `2025年3月` (the national system writes months as YYYYMM): the month's first day."""
    value = fold(text)
    m = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})月?(?:[-/.]?\d{1,2}日?)?", value)
    if m and 1 <= int(m.group(2)) <= 12 and len(value) != 5:
        return dt.date(int(m.group(1)), int(m.group(2)), 1)
    return parse_date(text).replace(day=1)
