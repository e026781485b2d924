import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from gonggu.rules.models import Finding

from .builders import household, person

pytestmark = pytest.mark.django_db


def _json(*args) -> dict:
    out = StringIO()
    call_command(*args, "--format", "json", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_quality_json_shape(regions):
    h = household(regions["village"])
    person(h, born=dt.date(1970, 1, 1))
    child = person(h, relation="子", gender="F", born=dt.date(2000, 1, 1))
    payload = _json("quality", "--as-of", "2025-06-30")
    assert set(payload) == {"findings", "summary"}
    [row] = [f for f in payload["findings"] if f["rule"] == "Q-RELATION-GENDER"]
    assert row == {"rule": "Q-RELATION-GENDER", "household_no": h.household_no, "id_number": child.id_number,
                   "detail": row["detail"]}
    assert payload["summary"]["as_of"] == "2025-06-30"
    assert payload["summary"]["by_rule"]["Q-RELATION-GENDER"] == 1
    assert payload["summary"]["by_village"] == {regions["village"].code: 1}
    # Stored for the 数据质量 page.
    assert Finding.objects.filter(rule="Q-RELATION-GENDER", kind="quality").count() == 1


@time_machine.travel(dt.datetime(2025, 6, 30, 9, 0), tick=False)
def test_quality_defaults_to_today_and_household_rows_have_null_id(regions):
    h = household(regions["village"], kind="监测户", monitoring_type="")
    person(h)
    payload = _json("quality")
    assert payload["summary"]["as_of"] == "2025-06-30"
    [row] = payload["findings"]
    assert row["rule"] == "Q-MONITOR-TYPE" and row["id_number"] is None


def test_quality_bad_date_exits_1():
    err = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("quality", "--as-of", "30/06/2025", stderr=err)
    assert exc.value.code == 1 and "--as-of" in err.getvalue()


def test_rules_json_shape():
    payload = _json("rules")
    rules = {r["code"]: r for r in payload["rules"]}
    for r in payload["rules"]:
        assert set(r) == {"code", "title", "kind", "source", "source_text", "grade", "enabled", "params"}
        assert r["kind"] in {"screening", "quality", "compliance", "indicator", "ledger"}
        assert r["source_text"], f"{r['code']} quotes no seed passage"
    assert rules["INCOME-BELOW-LINE"]["params"] == {"monitoring_line": {"2023": "7500", **{
        str(y): rules["INCOME-BELOW-LINE"]["params"]["monitoring_line"][str(y)]
        for y in range(2024, dt.date.today().year + 1)
        if str(y) in rules["INCOME-BELOW-LINE"]["params"]["monitoring_line"]}}}
    drop = {k: v for k, v in rules["INCOME-DROP"].items() if k != "source_text"}
    assert drop == {"code": "INCOME-DROP", "title": "人均纯收入大幅下降", "kind": "screening",
                    "source": "001 第三部分 一(二)2①；一(三)2", "grade": "yellow", "enabled": True,
                    "params": {"income_drop_ratio": "0.3"}}
    assert rules["Q-HEAD-COUNT"]["kind"] == "quality" and rules["DECEASED-ACTIVE"]["grade"] == "info"


def test_rules_text_lists_every_rule():
    out = StringIO()
    call_command("rules", stdout=out)
    text = out.getvalue()
    assert "INCOME-BELOW-LINE" in text and "Q-NET-INCOME-NEGATIVE" in text
