"""Resident identity numbers (公民身份号码, GB 11643-1999).

Normalisation and validation exactly as the interchange contract says
(`formats.md`): strip blanks, full-width to half-width, `x` to `X`, drop Excel's
leading `'`, upgrade valid 15-digit numbers, check the GB 11643 check digit and
the embedded birth date. The area code is deliberately *not* checked against a
list of divisions: people keep numbers issued under abolished codes.
"""

from __future__ import annotations

import datetime as dt
import re
from operator import mul

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"Ｘ": "X", "ｘ": "X", "x": "X"})
_BLANKS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


class InvalidIdNumber(ValueError):
    """The reason is a Chinese sentence suitable for an import report."""


def check_digit(first17: str) -> str:
    # map() instead of a generator: this runs once per row of every import (a million rows in a registry file).
    return _CHECK[sum(map(mul, _WEIGHTS, map(int, first17))) % 11]


def _clean(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float):
        # A number cell: Excel kept 15 significant digits at most, the rest is lost.
        raise InvalidIdNumber("身份证号被 Excel 存成了数字，后几位已丢失，请把该列设为文本后重新导出")
    text = str(raw).translate(_FULLWIDTH)
    text = _BLANKS.sub("", text)
    if text.startswith("'"):
        text = text[1:]
    return text


def normalize(raw: object, *, today: dt.date | None = None) -> str:
    """Return the valid 18-character number or raise InvalidIdNumber with the reason."""
    text = _clean(raw)
    if not text:
        raise InvalidIdNumber("身份证号为空")
    if _SCIENTIFIC.match(text):
        raise InvalidIdNumber("身份证号是科学计数法（如 4.10122E+17），数字已丢失，请把该列设为文本后重新导出")
    if len(text) == 15:
        if not text.isdigit():
            raise InvalidIdNumber("15 位身份证号只能由数字组成")
        first17 = text[:6] + "19" + text[6:]
        text = first17 + check_digit(first17)
    if len(text) != 18:
        raise InvalidIdNumber(f"身份证号应为 18 位，实际 {len(text)} 位")
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise InvalidIdNumber("身份证号含有非法字符")
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise InvalidIdNumber("身份证号中的出生日期不是真实日期") from None
    if born > (today or dt.date.today()) or born.year < 1880:
        raise InvalidIdNumber("身份证号中的出生日期不合理")
    if check_digit(text[:17]) != text[17]:
        raise InvalidIdNumber("身份证号校验位错误")
    return text


def is_valid(raw: object) -> bool:
    try:
        normalize(raw)
    except InvalidIdNumber:
        return False
    return True


def birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender(number: str) -> str:
    """'M' or 'F' from the sequence digit (odd = male)."""
    return "M" if int(number[16]) % 2 else "F"


def mask(number: str | None) -> str:
    """410122********123X: area code and the last four kept, the birth date hidden."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_raw(raw: object) -> str:
    """Mask whatever was typed, for reports about rejected values."""
    text = _BLANKS.sub("", str(raw or ""))
    return mask(text) if len(text) > 10 else "*" * len(text)
