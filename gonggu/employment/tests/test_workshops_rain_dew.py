"""帮扶车间 and 雨露计划 ledgers through the pattern: imports with bad rows given back, names that must match."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonggu.dataio.intake import intake_run
from gonggu.employment.models import RainDew, Workshop, WorkshopWorker
from gonggu.registry.factories import HouseholdFactory, PersonFactory

from .factories import workshop

pytestmark = pytest.mark.django_db
SHOP = "行政区划代码,车间名称,类型,经营主体,认定日期,停办日期,岗位数"
WORKER = "身份证号,姓名,车间名称,入职日期,离职日期,月工资（元）"
RAIN = "身份证号,姓名,学年（年度）,就读学校,学历层次,补助金额（元）,补助发放日期,毕业年度,毕业去向"


@pytest.fixture
def people(regions):
    return [PersonFactory(household=HouseholdFactory(village=regions["village"])) for _ in range(3)]


def _file(tmp_path, name, header, lines):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _reasons(result) -> dict[int, str]:
    reasons: dict[int, str] = {}
    for p in result.rejected:
        reasons[p.row] = reasons.get(p.row, "") + p.reason
    return reasons


def test_workshops_and_their_workers(regions, people, county_admin, tmp_path):
    v, v2 = regions["village"].code, regions["village_c"].code
    workshop(v2, "服装车间")
    shops = intake_run("ledger.workshop", user=county_admin, path=_file(tmp_path, "车间.csv", SHOP, [
        f"{v},鞋业车间,就业帮扶车间,某鞋业公司,2023-05-01,,40",
        f"{v},服装车间,社区工厂,,2023-05-01,,",                    # the name is taken in the county
        f"{v},电子车间,就业帮扶车间,,2024-05-01,2024-04-30,",       # closed before recognised
        f"{v},食品车间,加工厂,,2024-05-01,,",                       # no such kind
    ]))
    assert (shops.accepted, shops.rejected_rows) == (1, 3)
    reasons = _reasons(shops)
    assert "已有名为「服装车间」" in reasons[3] and "早于认定日期" in reasons[4] and "不是允许的取值" in reasons[5]
    a, b, c = people
    workers = intake_run("ledger.workshop_worker", user=county_admin, path=_file(tmp_path, "工人.csv", WORKER, [
        f"{a.id_number},,鞋业车间,2025-01-01,,2400",
        f"{b.id_number},,服装车间,2025-01-01,,2400",               # another village of the county: fine
        f"{c.id_number},,不存在车间,2025-01-01,,2400",
        f"{a.id_number},,服装车间,2025-03-01,2025-02-01,",
    ]))
    assert (workers.accepted, workers.rejected_rows) == (2, 2)
    reasons = _reasons(workers)
    assert "没有「不存在车间」" in reasons[4] and "早于入职日期" in reasons[5]
    assert set(WorkshopWorker.objects.values_list("workshop_name", flat=True)) == {"鞋业车间", "服装车间"}
    assert Workshop.objects.count() == 2


def test_rain_dew_rows(people, county_admin, village_clerk, login, tmp_path):
    a, b, c = people
    result = intake_run("ledger.rain_dew", user=county_admin, path=_file(tmp_path, "雨露.csv", RAIN, [
        f"{a.id_number},,2024,县职教中心,中等职业教育,3000,2024-11-20,2025,已就业",
        f"{b.id_number},,2024,县职教中心,中职,3000,2023-11-20,,",    # paid before the school year
        f"{c.id_number},,2024,县职教中心,中职,3000,,2023,",           # graduated before it began
        f"{c.id_number},,2025,县职教中心,中职,3000,,,升学",           # a destination without a graduation year
        f"{b.id_number},,2025,县职教中心,本科,3000,,,",               # not a 雨露计划 level
    ]))
    assert (result.accepted, result.rejected_rows) == (1, 4)
    reasons = _reasons(result)
    assert "早于补助学年" in reasons[3] and "毕业年度 2023" in reasons[4] and "没有填毕业年度" in reasons[5]
    assert "不是允许的取值" in reasons[6]
    row = RainDew.objects.get()
    assert (row.level, row.destination, row.graduation_year) == ("中职", "就业", 2025)
    page = login(village_clerk).get(reverse("ledger_list", args=["rain_dew"])).content.decode()
    assert "雨露计划补助台账" in page and "县职教中心" in page
