"""A village's water problem from opening to closing (动态清零): entered on the form, overdue and found by the rule,
closing refused without evidence, closed with it and no longer found; a water figure out of range refused."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from gonggu.guarantees.models import VillageWater, WaterProblem
from gonggu.rules.engine import run_rules

pytestmark = pytest.mark.django_db


def _open_problems(prefix: str, on: dt.date) -> list[str]:
    result = run_rules(codes=["WATER-PROBLEM-OPEN"], as_of=on, prefix=prefix, store=False)
    return [f["region_code"] for f in result.findings.to_pylist()]


@time_machine.travel(dt.datetime(2025, 7, 1, 10, 0), tick=False)
def test_water_problem_from_opening_to_closing(regions, township_reviewer, login):
    client = login(township_reviewer)
    village = regions["village"].code
    data = {"region_code": village, "found_on": "2025-04-02", "category": "水量", "description": "三组管网末端水压不足",
            "deadline": "2025-05-31", "measure": "更换加压泵"}
    assert client.post(reverse("ledger_new", args=["water_problem"]), data).status_code == 302
    problem = WaterProblem.objects.get()
    assert _open_problems("410122", dt.date(2025, 6, 30)) == [village]

    edit = reverse("ledger_edit", args=["water_problem", problem.pk])
    refused = client.post(edit, {**data, "closed_on": "2025-06-20", "version": problem.updated_at.isoformat()})
    assert "销号须填写销号佐证" in refused.content.decode()
    problem.refresh_from_db()
    assert problem.closed_on is None
    client.post(edit, {**data, "closed_on": "2025-06-20", "evidence": "加压泵更换照片、回访记录",
                       "version": problem.updated_at.isoformat()})
    problem.refresh_from_db()
    assert problem.closed_on == dt.date(2025, 6, 20)
    assert _open_problems("410122", dt.date(2025, 6, 30)) == []
    # Before it was closed it was open: the history of the figure holds.
    assert _open_problems("410122", dt.date(2025, 6, 19)) == [village]


@time_machine.travel(dt.datetime(2025, 7, 1, 10, 0), tick=False)
def test_water_value_out_of_range_refused_on_the_form(regions, township_reviewer, login):
    client = login(township_reviewer)
    data = {"region_code": regions["village"].code, "year": "2025", "supply_mode": "集中供水", "litres_per_day": "0.5",
            "short_days": "3", "quality_ok": "on", "manager": "李水管", "fee_rate": "96"}
    refused = client.post(reverse("ledger_new", args=["village_water"]), data).content.decode()
    assert "人均日供水量 0.5升 超出可能的范围（1–1000升）" in refused and VillageWater.objects.count() == 0
    assert client.post(reverse("ledger_new", args=["village_water"]), {**data, "litres_per_day": "45"}).status_code == 302
