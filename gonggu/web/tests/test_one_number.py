"""One number everywhere (issue 18 item 5), and a restart that keeps what was entered (item 7).

The headline counts of the demo county — households, 监测户, households 监测帮扶中, warnings waiting for
verification and those overdue — are read off the rendered home page, the screening summary, the statistics
page, the 一口清 and the leaders' cockpit, and must be the same numbers. Then `gonggu demo` runs again, as `make run` does on every
start: the county and a household entered by hand stay; `--rebuild` warns and builds afresh."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from gonggu.accounts.models import User
from gonggu.core.models import AuditEvent
from gonggu.registry.models import Household
from gonggu.web.demo import demo_build

from .words import docx_text, visible_text

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)
FIGURE = re.compile(r'data-figure="(\w+)"[^>]*>\s*([\d,]+)\s*<')


def _figures(page: str) -> dict[str, int]:
    return {name: int(value.replace(",", "")) for name, value in FIGURE.findall(page)}


def _brief_figures(page: str) -> dict[str, int]:
    text = " ".join(visible_text(page).split())
    households = re.search(r"合计 ([\d,]+) ([\d,]+)", text)
    monitored = re.search(r"监测户（按监测对象类型）：\s*(.*?)（", text)
    assisted = re.search(r"监测帮扶中：\s*([\d,]+) 户", text)
    pending = re.search(r"待核实的筛查预警：\s*([\d,]+) 条(?:[^：]*?其中逾期 ([\d,]+) 条)?", text)
    assert households and monitored and assisted and pending, text[:2000]
    return {"households": int(households.group(1).replace(",", "")),
            "monitored": sum(int(n) for n in re.findall(r"(\d+) 户", monitored.group(1))),
            "assisted": int(assisted.group(1).replace(",", "")),
            "pending_warnings": int(pending.group(1).replace(",", "")),
            "overdue_warnings": int((pending.group(2) or "0").replace(",", ""))}


def test_headline_counts_agree_and_a_restart_keeps_entered_data(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    demo_build(households=60, seed=1, today=TODAY)
    client = Client()
    client.force_login(User.objects.get(username="admin"))

    home = _figures(client.get("/").content.decode())
    cockpit = _figures(client.get("/cockpit/").content.decode())
    summary = _figures(client.get("/screening/").content.decode())
    statistics = _figures(client.get("/screening/statistics/?category=all").content.decode())
    brief = _brief_figures(client.get("/assessment/brief/410199000000/").content.decode())

    # The 一口清 as Word: framed for printing (unit, title, date on top; page n of m below) and audited.
    document = docx_text(client.get("/assessment/brief/410199000000/docx/").content)
    assert "示范县巩固拓展脱贫攻坚成果“一口清”" in document and "NUMPAGES" in document
    assert AuditEvent.objects.filter(object_type="assessment.brief", action="export").exists()

    assert set(home) == {"households", "monitored", "assisted", "pending_warnings", "overdue_warnings"}
    assert home["households"] >= 60 and home["monitored"] > 0 and home["assisted"] > 0
    assert brief == home
    assert cockpit == home
    for page in (summary, statistics):
        assert page["pending_warnings"] == home["pending_warnings"]
        assert page["overdue_warnings"] == home["overdue_warnings"]

    # A household entered after the demo was built survives the next start (`make run` runs `gonggu demo`).
    entered = Household.objects.order_by("pk").first()
    entered.head_name = "录入后保留"
    entered.save()
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", stdout=out, stderr=err)
    assert "保留已有数据" in out.getvalue()
    entered.refresh_from_db()
    assert entered.head_name == "录入后保留"
    assert _figures(client.get("/").content.decode()) == home

    call_command("demo", "--rebuild", "--households", "20", stdout=out, stderr=err)
    assert "警告" in err.getvalue()
    assert not Household.objects.filter(head_name="录入后保留").exists()
    assert Household.objects.filter(region_code__startswith="410199").count() >= 20


def test_demo_leaves_a_database_with_another_county_alone(regions):
    out = io.StringIO()
    call_command("demo", "--format", "json", stdout=out)
    assert '"built": false' in out.getvalue()
    assert not User.objects.filter(username="admin").exists()
