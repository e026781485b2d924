"""Re-importing: updates in place, never duplicates, never deletes; incomes follow incomes.py exactly."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from gonggu.core.models import AuditEvent
from gonggu.registry.choices import PersonStatus
from gonggu.registry.importing import registry_import, registry_missing_decide
from gonggu.registry.incomes import net_income, per_capita
from gonggu.registry.models import Household, IncomeAccount, Person, RegistryBatch, RegistryBatchMissing
from gonggu.registry.spec import REGISTRY_SPEC

from .test_import_helpers import VILLAGE_B, head, household, person, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


def base_rows():
    return household("H1", 3) + household("H2", 2) + household("H3", 4)


def test_same_file_twice_changes_nothing(tmp_path, regions, county_admin):
    rows = base_rows()
    first = registry_import(path=write_csv(tmp_path, rows, name="a.csv"), user=county_admin)
    stamps = dict(Person.objects.values_list("pk", "updated_at"))
    second = registry_import(path=write_csv(tmp_path, rows, name="b.csv"), user=county_admin)
    assert (first.counts.persons_created, first.counts.persons_updated) == (9, 0)
    assert (second.counts.persons_created, second.counts.persons_updated, second.counts.persons_unchanged) == (0, 0, 9)
    assert (second.counts.households_created, second.counts.households_updated) == (0, 0)
    assert second.counts.missing == 0 and second.same_file_as == first.batch.pk
    assert Person.objects.count() == 9 and Household.objects.count() == 3 and IncomeAccount.objects.count() == 3
    assert dict(Person.objects.values_list("pk", "updated_at")) == stamps
    assert RegistryBatch.objects.filter(status="applied").count() == 2
    assert AuditEvent.objects.filter(action="import", object_type="intake_batch").count() == 2


def test_corrected_file_updates_in_place(tmp_path, regions, county_admin):
    rows = base_rows()
    registry_import(path=write_csv(tmp_path, rows, name="a.csv"), user=county_admin)
    h1_pk = Household.objects.get(household_no="H1").pk
    rows[1]["健康状况"] = "长期慢性病"            # one member changes
    rows[0]["工资性收入"] = "26000"               # H1's income changes
    for r in rows[3:5]:                             # H2 moves village and type
        r["行政区划代码"], r["户类型"] = VILLAGE_B, "监测户"
        r["监测对象类型"] = "边缘易致贫户"
    rows.append(person("H3", relation="孙子"))     # a newborn
    result = registry_import(path=write_csv(tmp_path, rows, name="b.csv"), user=county_admin)
    c = result.counts
    assert (c.persons_created, c.persons_updated, c.persons_unchanged) == (1, 3, 6)
    assert (c.households_created, c.households_updated, c.households_unchanged) == (0, 3, 0)
    assert (c.incomes_created, c.incomes_updated) == (0, 2)  # H1's amounts, H3's size
    h1 = Household.objects.get(household_no="H1")
    assert h1.pk == h1_pk and h1.incomes.get(year=2024).net_income == Decimal("33000.00")
    h2 = Household.objects.get(household_no="H2")
    assert (h2.region_code, h2.household_type, h2.monitoring_type) == (VILLAGE_B, "监测户", "边缘易致贫户")
    assert set(h2.members.values_list("region_code", flat=True)) == {VILLAGE_B}
    assert Household.objects.get(household_no="H3").incomes.get().household_size == 5
    assert Person.objects.count() == 10


def test_missing_persons_are_listed_not_deleted_and_decided(tmp_path, regions, county_admin):
    rows = base_rows()
    registry_import(path=write_csv(tmp_path, rows, name="a.csv"), user=county_admin)
    gone = rows.pop(2)          # a member of H1
    rows = [r for r in rows if r["户编号"] != "H2"]   # the whole of H2 (same village as the others)
    result = registry_import(path=write_csv(tmp_path, rows, name="b.csv"), user=county_admin)
    assert result.counts.missing == 3 and result.as_json()["unreported_missing"] == 3
    assert Person.objects.count() == 9 and Person.objects.filter(status=PersonStatus.ACTIVE).count() == 9
    batch = result.batch
    items = {m.person.id_number: m for m in RegistryBatchMissing.objects.filter(batch=batch).select_related("person")}
    assert not items[gone["身份证号"]].household_absent
    assert sum(m.household_absent for m in items.values()) == 2
    h2_members = [m for m in items.values() if m.household_absent]
    decided = registry_missing_decide(batch=batch, user=county_admin, decisions={
        items[gone["身份证号"]].pk: "deceased", h2_members[0].pk: "moved_out", h2_members[1].pk: "keep"})
    assert decided == 3
    assert Person.objects.get(id_number=gone["身份证号"]).status == PersonStatus.DECEASED
    assert Person.objects.get(pk=h2_members[0].person_id).status == PersonStatus.MOVED_OUT
    assert Person.objects.get(pk=h2_members[1].person_id).status == PersonStatus.ACTIVE
    assert Person.history.filter(id=h2_members[0].person_id, status=PersonStatus.MOVED_OUT).exists()
    batch.refresh_from_db()
    assert batch.missing_count == 0
    # Deciding again changes nothing.
    assert registry_missing_decide(batch=batch, user=county_admin, decisions={h2_members[1].pk: "deceased"}) == 0


def test_person_moving_between_households_is_moved_and_reported(tmp_path, regions):
    rows = base_rows()
    registry_import(path=write_csv(tmp_path, rows, name="a.csv"))
    mover = rows[1]
    pk = Person.objects.get(id_number=mover["身份证号"]).pk
    mover["户编号"] = "H9"
    mover["与户主关系"] = "户主"
    mover.update({"工资性收入": "100", "生产经营性收入": "0", "财产性收入": "0", "转移性收入": "0", "生产经营性支出": "0"})
    result = registry_import(path=write_csv(tmp_path, rows, name="b.csv"))
    assert result.counts.persons_moved == 1 and result.counts.households_created == 1
    moved = Person.objects.get(pk=pk)
    assert moved.household.household_no == "H9" and moved.relation == "户主"
    assert any("原登记在户 H1" in w.reason for w in result.warnings)


def test_columns_absent_from_the_file_keep_stored_values(tmp_path, regions):
    row = head("H1", 在校情况="大学", 务工月数="5")
    registry_import(path=write_csv(tmp_path, [row], name="a.csv"))
    header = [n for n in REGISTRY_SPEC.names if n not in ("在校情况", "务工月数")]
    result = registry_import(path=write_csv(tmp_path, [row], name="b.csv", header=header))
    assert result.counts.persons_unchanged == 1
    p = Person.objects.get()
    assert (p.school_status, p.work_months) == ("大学", 5)
    # A blank cell in a present column does clear the value.
    registry_import(path=write_csv(tmp_path, [row | {"务工月数": ""}], name="c.csv"))
    assert Person.objects.get().work_months is None


def test_dry_run_writes_nothing(tmp_path, regions):
    result = registry_import(path=write_csv(tmp_path, base_rows()), dry_run=True)
    assert result.batch is None and result.counts.persons_created == 9
    assert not Person.objects.exists() and not RegistryBatch.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("amounts,size", [
    (("10000", "0", "0", "0", "0"), 3),          # 3333.333… → 3333.33
    (("10000.01", "0", "0", "0", "0"), 2),       # 5000.005 → 5000.01 (half up)
    (("0", "0", "0", "0", "1000.01"), 2),        # −500.005 → −500.01 (half away from zero, as Decimal)
    (("1", "0", "0", "0", "0"), 8),              # 0.125 → 0.13
    (("1,234.56", "789.1", "12.34", "5000", "2000.5"), 7),
])
def test_per_capita_matches_incomes_module(tmp_path, regions, amounts, size):
    names = ("工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出")
    rows = household("H1", size, **dict(zip(names, amounts, strict=True)))
    for r in rows[1:]:
        for n in names:
            r.pop(n, None)
    registry_import(path=write_csv(tmp_path, rows))
    account = IncomeAccount.objects.get()
    values = [Decimal(a.replace(",", "")) for a in amounts]
    expected_net = net_income(wage=values[0], business=values[1], property=values[2], transfer=values[3],
                              business_expense=values[4])
    assert account.net_income == expected_net
    assert account.per_capita == per_capita(expected_net, size)
