import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.idnumber import is_valid
from gonggu.core.models import AuditEvent
from gonggu.registry import services
from gonggu.registry.demo import make_id_number
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.registry.models import Household, IncomeAccount, Person
from gonggu.registry.services import RegistryInvalid

pytestmark = pytest.mark.django_db

NEWBORN_ID = make_id_number("410122", dt.date(2025, 5, 2), 35)  # odd sequence: a boy
WRONG_CHECK = NEWBORN_ID[:17] + ("1" if NEWBORN_ID[17] != "1" else "2")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2025, 6, 15, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def newborn(**over):
    values = {"id_number": NEWBORN_ID, "name": "张小宝", "relation": "孙子", "labour_ability": "无劳动力",
              "health": "健康", "medical_insured": True}
    values.update(over)
    return values


# --- person_add --------------------------------------------------------------------------------------------------

def test_add_newborn_derives_gender_and_birth_with_history_and_audit(village_clerk, sample_registry):
    person = services.person_add(actor=village_clerk, household=sample_registry["a"], **newborn())
    person.refresh_from_db()
    assert person.gender == "M" and person.birth_date == dt.date(2025, 5, 2)
    assert person.region_code == sample_registry["a"].region_code and person.status == "在册"
    record = person.history.get()
    assert record.history_user == village_clerk and record.history_type == "+"
    event = AuditEvent.objects.get(action="create", object_type="person")
    assert event.user == village_clerk and event.region_code == "410122100201"
    assert NEWBORN_ID not in str(event.detail) and NEWBORN_ID[-4:] in str(event.detail)


def test_add_accepts_lowercase_x_and_fifteen_digits(village_clerk, sample_registry):
    p = services.person_add(actor=village_clerk, household=sample_registry["a"],
                            **newborn(id_number="410122650203123", name="张老三", relation="兄弟姐妹",
                                      labour_ability="普通劳动力"))
    assert p.id_number[:17] == "41012219650203123" and is_valid(p.id_number)
    assert p.birth_date == dt.date(1965, 2, 3) and p.gender == "M"


@pytest.mark.parametrize("over,field,message", [
    ({"id_number": WRONG_CHECK}, "id_number", "校验位"),
    ({"id_number": "41012220250502"}, "id_number", "18 位"),
    ({"id_number": make_id_number("410122", dt.date(2025, 7, 1), 35)}, "id_number", "出生日期不合理"),
    ({"name": "  "}, "name", "请填写姓名"),
    ({"relation": "邻居"}, "relation", "不是可选的值"),
    ({"relation": "户主"}, "relation", "本户已有户主 张大山"),
    ({"labour_ability": "普通劳动力"}, "labour_ability", "未满 16 周岁"),
    ({"health": "残疾"}, "disability_grade", "请选择残疾等级"),
    ({"disability_grade": "二级"}, "disability_grade", "只有健康状况为残疾时"),
    ({"work_months": 13}, "work_months", "0–12"),
    ({"work_place": "国外"}, "work_place", "务工地点"),
])
def test_add_validation_names_the_field(village_clerk, sample_registry, over, field, message):
    with pytest.raises(RegistryInvalid) as exc:
        services.person_add(actor=village_clerk, household=sample_registry["a"], **newborn(**over))
    assert field in exc.value.errors and message in exc.value.errors[field]
    assert not Person.objects.filter(name="张小宝").exists()


def test_add_collects_all_errors(village_clerk, sample_registry):
    with pytest.raises(RegistryInvalid) as exc:
        services.person_add(actor=village_clerk, household=sample_registry["a"],
                            **newborn(id_number="123", name="", health="残疾"))
    assert set(exc.value.errors) == {"id_number", "name", "disability_grade"}


def test_add_refuses_a_number_already_registered(village_clerk, sample_registry):
    with pytest.raises(RegistryInvalid) as exc:
        services.person_add(actor=village_clerk, household=sample_registry["b"],
                            **newborn(id_number=sample_registry["a_wife"].id_number))
    assert "李小花" in exc.value.errors["id_number"] and "1001" in exc.value.errors["id_number"]
    # A number registered outside the clerk's region is refused without saying whose it is.
    with pytest.raises(RegistryInvalid) as exc:
        services.person_add(actor=village_clerk, household=sample_registry["b"],
                            **newborn(id_number=sample_registry["e_head"].id_number))
    assert "其他地区" in exc.value.errors["id_number"] and "孙二娘" not in exc.value.errors["id_number"]


def test_add_needs_edit_right_and_scope(leader, village_clerk, sample_registry):
    with pytest.raises(UserFacingError, match="没有维护"):
        services.person_add(actor=leader, household=sample_registry["a"], **newborn())
    with pytest.raises(NotFoundInScope):
        services.person_add(actor=village_clerk, household=sample_registry["c"], **newborn())


# --- person_update -----------------------------------------------------------------------------------------------

def test_update_changes_fields_with_history_and_audit(village_clerk, sample_registry):
    wife = sample_registry["a_wife"]
    services.person_update(actor=village_clerk, person=wife, health="残疾", disability_grade="3",
                           labour_ability="弱劳动力或半劳动力", work_months=4, work_place="县内", medical_insured=False)
    wife.refresh_from_db()
    assert (wife.health, wife.disability_grade, wife.work_months, wife.medical_insured) == ("残疾", "三级", 4, False)
    latest = wife.history.first()
    assert latest.history_user == village_clerk and latest.history_type == "~"
    event = AuditEvent.objects.get(action="update", object_type="person")
    assert "健康状况" in event.summary and event.detail["changes"]["health"] == ["健康", "残疾"]


def test_update_without_changes_writes_nothing(village_clerk, sample_registry):
    wife = sample_registry["a_wife"]
    before = wife.history.count()
    services.person_update(actor=village_clerk, person=wife, name="李小花")
    assert wife.history.count() == before and not AuditEvent.objects.exists()


def test_update_corrects_identity_number(village_clerk, sample_registry):
    wife = sample_registry["a_wife"]
    corrected = make_id_number("410122", dt.date(1972, 6, 1), 44)
    services.person_update(actor=village_clerk, person=wife, id_number=corrected.lower())
    wife.refresh_from_db()
    assert wife.id_number == corrected and wife.birth_date == dt.date(1972, 6, 1) and wife.gender == "F"
    with pytest.raises(RegistryInvalid, match="已登记为 张大山"):
        services.person_update(actor=village_clerk, person=wife, id_number=sample_registry["a_head"].id_number)


def test_update_relation_to_head_requires_no_other_head(village_clerk, sample_registry):
    with pytest.raises(RegistryInvalid, match="本户已有户主"):
        services.person_update(actor=village_clerk, person=sample_registry["a_wife"], relation="户主")
    services.person_update(actor=village_clerk, person=sample_registry["a_head"], relation="其他")
    services.person_update(actor=village_clerk, person=sample_registry["a_wife"], relation="户主")
    assert Household.objects.get(pk=sample_registry["a"].pk).head_name == "李小花"


def test_update_refused_for_deceased(village_clerk, sample_registry):
    services.person_record_death(actor=village_clerk, person=sample_registry["a_head"], date=dt.date(2025, 3, 1))
    with pytest.raises(UserFacingError, match="已死亡"):
        services.person_update(actor=village_clerk, person=sample_registry["a_head"], health="患有大病")


# --- death, move-out, reinstate ----------------------------------------------------------------------------------

def test_death_keeps_the_person(village_clerk, sample_registry):
    head = sample_registry["a_head"]
    services.person_record_death(actor=village_clerk, person=head, date=dt.date(2025, 3, 1))
    head = Person.objects.get(pk=head.pk)
    assert head.status == "死亡" and head.status_date == dt.date(2025, 3, 1)
    assert head.household_id == sample_registry["a"].pk
    assert [r.status for r in head.history.order_by("history_id")][-2:] == ["在册", "死亡"]
    assert "请为本户另设户主" in AuditEvent.objects.get(object_type="person").summary
    # The next head can now be set.
    services.person_update(actor=village_clerk, person=sample_registry["a_wife"], relation="户主")


@pytest.mark.parametrize("date,message", [
    (None, "请填写死亡日期"),
    (dt.date(2025, 6, 16), "不能晚于今天"),
    (dt.date(1960, 1, 1), "不能早于出生日期"),
])
def test_death_date_is_checked(village_clerk, sample_registry, date, message):
    with pytest.raises(RegistryInvalid) as exc:
        services.person_record_death(actor=village_clerk, person=sample_registry["a_head"], date=date)
    assert message in exc.value.errors["date"]
    assert Person.objects.get(pk=sample_registry["a_head"].pk).status == "在册"


def test_move_out_and_reinstate(village_clerk, sample_registry):
    son = sample_registry["a_son"]
    services.person_record_move_out(actor=village_clerk, person=son, date=dt.date(2025, 2, 1))
    with pytest.raises(UserFacingError, match="已是“迁出”"):
        services.person_record_death(actor=village_clerk, person=son, date=dt.date(2025, 2, 1))
    services.person_reinstate(actor=village_clerk, person=son)
    son.refresh_from_db()
    assert son.status == "在册" and son.status_date is None
    assert [r.status for r in son.history.order_by("history_id")] == ["在册", "迁出", "在册"]


# --- person_move -------------------------------------------------------------------------------------------------

def test_move_keeps_the_person_and_its_history(township_reviewer, village_clerk, county_admin, sample_registry):
    son = sample_registry["a_son"]
    services.person_update(actor=village_clerk, person=son, school_status="高中")
    services.person_move(actor=county_admin, person=son, to_household=sample_registry["c"], relation="子")
    moved = Person.objects.get(pk=son.pk)
    assert moved.household_id == sample_registry["c"].pk and moved.region_code == "410122100202"
    records = list(moved.history.order_by("history_id"))
    assert [r.household_id for r in records] == [sample_registry["a"].pk, sample_registry["a"].pk, sample_registry["c"].pk]
    assert records[-1].history_user == county_admin
    assert records[-1].history_change_reason == "由户 1001 迁入户 2001"
    event = AuditEvent.objects.get(object_type="person", summary__contains="迁入")
    assert event.detail["from"]["household"] == "1001" and event.detail["to"]["region_code"] == "410122100202"


def test_move_outside_scope_is_refused(village_clerk, sample_registry):
    with pytest.raises(RegistryInvalid) as exc:
        services.person_move(actor=village_clerk, person=sample_registry["a_son"], to_household=sample_registry["c"],
                             relation="子")
    assert "不在你的管辖范围内" in exc.value.errors["household_no"]
    assert Person.objects.get(pk=sample_registry["a_son"].pk).household_id == sample_registry["a"].pk


def test_move_to_other_county_refused_even_for_wide_scope(regions, sample_registry):
    from conftest import make_user

    province_admin = make_user("province_admin", "county_admin", regions["province"])
    with pytest.raises(RegistryInvalid, match="只能在本县"):
        services.person_move(actor=province_admin, person=sample_registry["a_son"], to_household=sample_registry["e"],
                             relation="子")


def test_move_as_head_needs_vacancy(village_clerk, sample_registry):
    with pytest.raises(RegistryInvalid, match="本户已有户主 王老五"):
        services.person_move(actor=village_clerk, person=sample_registry["a_son"], to_household=sample_registry["b"],
                             relation="户主")


def test_move_page_finds_target_by_number_in_scope(village_clerk, sample_registry, login):
    from django.urls import reverse

    client = login(village_clerk)
    response = client.post(reverse("person_move", args=[sample_registry["a_son"].pk]),
                           {"household_no": "2001", "relation": "子"})
    assert response.status_code == 200 and "不在你的管辖范围内" in response.content.decode()
    response = client.post(reverse("person_move", args=[sample_registry["a_son"].pk]),
                           {"household_no": "1002", "relation": "孙子"})
    assert response.status_code == 302
    assert Person.objects.get(pk=sample_registry["a_son"].pk).household_id == sample_registry["b"].pk


# --- household_update --------------------------------------------------------------------------------------------

def test_household_update_checks_monitoring_type(village_clerk, sample_registry):
    a = sample_registry["a"]
    with pytest.raises(RegistryInvalid, match="请选择监测对象类型"):
        services.household_update(actor=village_clerk, household=a, household_type="监测户")
    with pytest.raises(RegistryInvalid, match="只有监测户"):
        services.household_update(actor=village_clerk, household=a, household_type="脱贫户",
                                  monitoring_type="边缘易致贫户")
    services.household_update(actor=village_clerk, household=a, household_type="监测户",
                              monitoring_type="脱贫不稳定户", relocated=True)
    a.refresh_from_db()
    assert (a.household_type, a.monitoring_type, a.relocated) == ("监测户", "脱贫不稳定户", True)
    assert a.history.first().history_user == village_clerk
    assert AuditEvent.objects.filter(object_type="household", action="update").count() == 1


def test_household_moves_village_with_its_members(township_reviewer, county_admin, sample_registry, regions):
    a = sample_registry["a"]
    services.household_update(actor=county_admin, household=a, household_type="脱贫户",
                              village=regions["village_b"])
    a.refresh_from_db()
    assert a.region_code == "410122100202" and a.village == regions["village_b"]
    members = Person.objects.filter(household=a)
    assert {m.region_code for m in members} == {"410122100202"}
    assert all(m.history.first().history_user == county_admin for m in members)


def test_household_village_must_be_in_scope(village_clerk, sample_registry, regions):
    with pytest.raises(RegistryInvalid, match="不在你的管辖范围内"):
        services.household_update(actor=village_clerk, household=sample_registry["a"], household_type="脱贫户",
                                  village=regions["village_b"])


# --- income_save -------------------------------------------------------------------------------------------------

def test_income_save_computes_per_capita_with_active_members(village_clerk, sample_registry):
    services.person_record_move_out(actor=village_clerk, person=sample_registry["a_son"], date=dt.date(2025, 1, 5))
    account = services.income_save(actor=village_clerk, household=sample_registry["a"], year=2025, wage="20,000",
                                   business=Decimal("5000"), property=0, transfer="1000.50", business_expense=999)
    assert account.household_size == 2
    assert account.net_income == Decimal("25001.50") and account.per_capita == Decimal("12500.75")
    assert account.history.get().history_user == village_clerk
    assert AuditEvent.objects.get(object_type="income", action="create").detail["year"] == 2025


def test_income_save_updates_year_in_place(village_clerk, sample_registry):
    a = sample_registry["a"]
    account = services.income_save(actor=village_clerk, household=a, year=2024, wage=30000, business=0, property=0,
                                   transfer=0, business_expense=0, household_size=4)
    assert account.per_capita == Decimal("7500.00")
    assert IncomeAccount.objects.filter(household=a, year=2024).count() == 1
    assert account.history.count() == 2  # created by the factory, then changed


@pytest.mark.parametrize("over,field,message", [
    ({"wage": -1}, "wage", "不能为负数"),
    ({"transfer": "abc"}, "transfer", "应为数字"),
    ({"business": "1.005"}, "business", "两位小数"),
    ({"year": 1999}, "year", "2000–2025"),
    ({"year": 2026}, "year", "2000–2025"),
    ({"household_size": 0}, "household_size", "1–99"),
])
def test_income_validation(village_clerk, sample_registry, over, field, message):
    values = {"year": 2024, "wage": 1000, "business": 0, "property": 0, "transfer": 0, "business_expense": 0}
    values.update(over)
    with pytest.raises(RegistryInvalid) as exc:
        services.income_save(actor=village_clerk, household=sample_registry["a"], **values)
    assert message in exc.value.errors[field]


def test_income_needs_members_or_size(village_clerk, regions):
    empty = HouseholdFactory(village=regions["village"])
    with pytest.raises(RegistryInvalid, match="没有在册成员"):
        services.income_save(actor=village_clerk, household=empty, year=2024, wage=1000)
    assert services.income_save(actor=village_clerk, household=empty, year=2024, wage=1000,
                                household_size=2).per_capita == Decimal("500.00")


def test_income_page_saves_and_shows_result(village_clerk, sample_registry, login):
    from django.urls import reverse

    client = login(village_clerk)
    response = client.post(reverse("income_edit", args=[sample_registry["b"].pk]),
                           {"year": 2025, "wage": "1000", "business": "0", "property": "0", "transfer": "9000",
                            "business_expense": "0", "household_size": ""}, follow=True)
    assert "人均纯收入 5000.00 元" in response.content.decode()
    response = client.post(reverse("income_edit", args=[sample_registry["b"].pk]),
                           {"year": 2025, "wage": "-5", "business": "0", "property": "0", "transfer": "0",
                            "business_expense": "0"})
    assert response.status_code == 200 and "确保该值大于或等于0" in response.content.decode()


def test_person_pages_show_field_errors(village_clerk, sample_registry, login):
    from django.urls import reverse

    client = login(village_clerk)
    response = client.post(reverse("person_add", args=[sample_registry["a"].pk]), {
        "id_number": WRONG_CHECK, "name": "张小宝", "relation": "户主",
        "labour_ability": "无劳动力", "health": "健康"})
    page = response.content.decode()
    assert response.status_code == 200 and "身份证号校验位错误" in page and "本户已有户主" in page
    response = client.post(reverse("person_status", args=[sample_registry["a_head"].pk]),
                           {"status": "死亡", "date": "2030-01-01"})
    assert "不能晚于今天" in response.content.decode()


def test_factory_persons_have_valid_numbers(regions):
    h = HouseholdFactory(village=regions["village"])
    people = [PersonFactory(household=h, gender=g) for g in "MFMF"]
    for p in people:
        assert is_valid(p.id_number) and p.id_number[:6] == "410122"
        assert (int(p.id_number[16]) % 2 == 1) == (p.gender == "M")
        assert p.id_number[6:14] == p.birth_date.strftime("%Y%m%d")
    assert Household.objects.get(pk=h.pk).head_name == people[0].name
