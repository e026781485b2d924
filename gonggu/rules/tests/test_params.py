import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.rules.models import Parameter
from gonggu.rules.params import ParamValues
from gonggu.rules.services import param_clear, param_set

pytestmark = pytest.mark.django_db


def test_defaults_of_rules_md_are_seeded():
    values = ParamValues.load()
    assert values.monitoring_line(2023) == Decimal("7500")
    assert values.scalar("high_expense_ratio") == Decimal("0.5")
    assert values.scalar("income_drop_ratio") == Decimal("0.3")
    assert values.scalar("disaster_loss_ratio") == Decimal("0.5")
    assert values.scalar("new_disability_days") == Decimal("365")


def test_monitoring_line_is_adjusted_yearly_and_rounded_half_up():
    param_set(name="rural_income_growth", value="0.066", year=2023)   # 7500 × 1.066 = 7995
    param_set(name="rural_income_growth", value="0.0625", year=2024)  # 7995 × 1.0625 = 8494.6875 → 8495
    values = ParamValues.load()
    assert values.monitoring_line(2024) == Decimal("7995")
    assert values.monitoring_line(2025) == Decimal("8495")


def test_half_a_yuan_rounds_up():
    param_set(name="monitoring_line", value="7000", year=2023)
    param_set(name="rural_income_growth", value="0.0005", year=2023)  # 7003.5 → 7004
    assert ParamValues.load().monitoring_line(2024) == Decimal("7004")


def test_an_explicit_value_wins_and_the_chain_continues_from_it():
    param_set(name="rural_income_growth", value="0.066", year=2023)
    param_set(name="monitoring_line", value="8000", year=2024)
    param_set(name="rural_income_growth", value="0.05", year=2024)
    values = ParamValues.load()
    assert values.monitoring_line(2024) == Decimal("8000")
    assert values.monitoring_line(2025) == Decimal("8400")


def test_missing_growth_names_the_missing_year():
    values = ParamValues.load()
    assert values.monitoring_line(2025) is None
    reason = values.reason("monitoring_line", 2025)
    assert "2025" in reason and "2023" in reason and "rural_income_growth" in reason


def test_no_earlier_line_names_the_year():
    values = ParamValues.load()
    assert values.monitoring_line(2022) is None
    assert "2022" in values.reason("monitoring_line", 2022)


def test_set_param_validates_and_audits(county_admin):
    param_set(name="income_drop_ratio", value="0.25", user=county_admin)
    assert Parameter.objects.get(name="income_drop_ratio", year=None).value == Decimal("0.25")
    event = AuditEvent.objects.get(action="param")
    assert event.user == county_admin and event.detail["before"] == "0.3" and event.detail["after"] == "0.25"
    with pytest.raises(UserFacingError, match="未知的参数"):
        param_set(name="no_such_param", value="1")
    with pytest.raises(UserFacingError, match="按年度"):
        param_set(name="monitoring_line", value="8000")
    with pytest.raises(UserFacingError, match="不分年度"):
        param_set(name="income_drop_ratio", value="0.2", year=2024)
    with pytest.raises(UserFacingError, match="整数"):
        param_set(name="new_disability_days", value="10.5")
    with pytest.raises(UserFacingError, match="不是数字"):
        param_set(name="income_drop_ratio", value="三成")
    with pytest.raises(UserFacingError, match="不能大于"):
        param_set(name="income_drop_ratio", value="1.5")


def test_clearing_a_yearly_value_lets_it_be_derived_again():
    param_set(name="rural_income_growth", value="0.066", year=2023)
    param_set(name="monitoring_line", value="9000", year=2024)
    param_clear(name="monitoring_line", year=2024)
    assert ParamValues.load().monitoring_line(2024) == Decimal("7995")
    assert AuditEvent.objects.filter(action="param", summary__contains="删除").exists()


def test_set_param_command(capsys):
    out = StringIO()
    call_command("set_param", "monitoring_line", "7995", "--year", "2024", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == {"name": "monitoring_line", "year": 2024, "value": "7995"}
    assert AuditEvent.objects.filter(action="param", object_id="monitoring_line:2024").exists()


@pytest.mark.parametrize("args", [
    ["no_such_param", "1"],
    ["monitoring_line", "8000"],
    ["income_drop_ratio", "abc"],
])
def test_set_param_command_fails_with_exit_1(args, capsys):
    err = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("set_param", *args, stderr=err)
    assert exc.value.code == 1
    assert err.getvalue().startswith("错误：") and "Traceback" not in err.getvalue()
