import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonggu.core.idnumber import InvalidIdNumber, birth_date, check_digit, gender, mask, normalize

VALID = "11010519491231002X"  # the GB 11643 example


def test_valid_number_passes_unchanged():
    assert normalize(VALID) == VALID


@pytest.mark.parametrize("raw", [
    " 11010519491231002x ",          # blanks, lowercase x
    "'11010519491231002X",           # Excel text marker
    "１１０１０５１９４９１２３１００２Ｘ",  # full-width
    "110105\u00a019491231002X",      # NBSP inside
    "11010519491231002X\t",
])
def test_normalisation(raw):
    assert normalize(raw) == VALID


def test_fifteen_digit_upgrade():
    # 15-digit: area 110105, born 491231, sequence 002 -> 18-digit with computed check digit
    assert normalize("110105491231002") == VALID


def test_area_code_not_checked():
    # 410122 中牟县 is missing from some division tables; it must still validate.
    first17 = "41012219900101123"
    number = first17 + check_digit(first17)
    assert normalize(number) == number


@pytest.mark.parametrize("raw,reason", [
    ("", "为空"),
    ("4.10122E+17", "科学计数法"),
    ("11010519491231002", "18 位"),
    ("11010519491231002Y", "非法字符"),
    ("110105194902300021", "出生日期"),  # 30 February
    ("110105194912310021", "校验位"),
])
def test_rejections(raw, reason):
    with pytest.raises(InvalidIdNumber) as exc:
        normalize(raw)
    assert reason in str(exc.value)


def test_float_cell_rejected():
    with pytest.raises(InvalidIdNumber, match="数字"):
        normalize(4.10122199001011e17)


def test_future_birth_date_rejected():
    first17 = "41012220990101123"
    with pytest.raises(InvalidIdNumber, match="不合理"):
        normalize(first17 + check_digit(first17), today=dt.date(2026, 1, 1))


def test_derived_fields_and_mask():
    assert birth_date(VALID) == dt.date(1949, 12, 31)
    assert gender(VALID) == "F"  # sequence 002: even
    assert mask(VALID) == "110105********002X"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)), st.integers(0, 999))
def test_any_generated_number_roundtrips(born, seq):
    first17 = f"410122{born:%Y%m%d}{seq:03d}"
    number = first17 + check_digit(first17)
    assert normalize(number.lower()) == number
    assert birth_date(number) == born
