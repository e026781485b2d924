"""Demo registry: plausible households, members and two years of incomes for the demo county.

Everything is generated from one seed (same seed, same data) and written with bulk inserts in large
batches, without history rows: 300,000 households (about a million persons) take a couple of minutes
on SQLite. Identity numbers carry the county's area code, real birth dates consistent with each
member's relation to the head, and a valid GB 11643 check digit.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from gonggu.core.codes import code_range
from gonggu.core.idnumber import check_digit

from .choices import (
    DisabilityGrade,
    Health,
    HouseholdType,
    LabourAbility,
    MonitoringType,
    PersonStatus,
    Relation,
    SchoolStatus,
    WorkPlace,
)
from .incomes import net_income, per_capita
from .models import Household, IncomeAccount, Person

BATCH_HOUSEHOLDS = 5000

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
            "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
MALE_CHARS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帅帆亮建国庆志兵海东林峰振红春永长发富贵成德胜利全新宏小"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英华慧巧美淑惠珍玉兰凤洁琳素云莲梅红燕萍雪琴桂荣爱金香月彩翠梦婷佳欣怡雨晓小"
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6, 7)
SIZE_WEIGHTS = (10, 22, 21, 22, 14, 8, 3)
MALE_RELATIONS = {Relation.SON, Relation.FATHER, Relation.GRANDSON, Relation.SON_IN_LAW}
FEMALE_RELATIONS = {Relation.DAUGHTER, Relation.MOTHER, Relation.GRANDDAUGHTER, Relation.DAUGHTER_IN_LAW}


def make_id_number(area: str, birth: dt.date, seq: int) -> str:
    """An 18-digit number: area code, birth date, 3-digit sequence (odd = male), GB 11643 check digit."""
    first17 = f"{area}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
    return first17 + check_digit(first17)


class IdAllocator:
    """Hands out unique numbers: per birth date and gender, sequences 1, 3, 5 … (men) and 2, 4, 6 … (women)."""

    def __init__(self, area: str):
        self.area = area
        self.used: dict[tuple[int, str], int] = {}

    def take(self, birth: dt.date, gender: str) -> tuple[str, dt.date]:
        while True:
            key = (birth.toordinal(), gender)
            k = self.used.get(key, 0)
            if k < 499:
                self.used[key] = k + 1
                return make_id_number(self.area, birth, 2 * k + (1 if gender == "M" else 2)), birth
            birth -= dt.timedelta(days=1)  # this birth date is full: the day before


def _name(rng: random.Random, surname: str, gender: str) -> str:
    chars = MALE_CHARS if gender == "M" else FEMALE_CHARS
    given = rng.choice(chars) if rng.random() < 0.3 else rng.choice(chars) + rng.choice(chars)
    return surname + given


def _composition(rng: random.Random, size: int) -> list[tuple[str, str, int]]:
    """(relation, gender, age) of each member, head first; ages consistent with the relations."""
    head_age = int(rng.triangular(25, 90, 56))
    head_gender = "M" if rng.random() < 0.86 else "F"
    members = [(Relation.HEAD, head_gender, head_age)]
    left = size - 1
    if left and rng.random() < (0.9 if head_age < 75 else 0.6):
        members.append((Relation.SPOUSE, "F" if head_gender == "M" else "M",
                        max(20, head_age + rng.randint(-6, 4) * (1 if head_gender == "M" else -1))))
        left -= 1
    if left and head_age <= 52 and rng.random() < 0.4:
        for relation, gender in ((Relation.FATHER, "M"), (Relation.MOTHER, "F")):
            if left and rng.random() < 0.75:
                members.append((relation, gender, min(98, head_age + rng.randint(22, 34))))
                left -= 1
    son_age = None
    while left:
        if son_age is not None and son_age >= 22 and not any(m[0] == Relation.DAUGHTER_IN_LAW for m in members) \
                and rng.random() < 0.7:
            members.append((Relation.DAUGHTER_IN_LAW, "F", max(20, son_age + rng.randint(-4, 2))))
        elif son_age is not None and son_age >= 22 and rng.random() < 0.75:
            gap = rng.randint(20, min(36, son_age))
            grandson = rng.random() < 0.52
            members.append((Relation.GRANDSON if grandson else Relation.GRANDDAUGHTER, "M" if grandson else "F",
                            son_age - gap))
        elif rng.random() < 0.03:
            members.append((Relation.SIBLING, rng.choice("MF"), max(16, head_age + rng.randint(-8, 8))))
        else:
            age = head_age - rng.randint(20, min(40, head_age))
            son = rng.random() < 0.52
            members.append((Relation.SON if son else Relation.DAUGHTER, "M" if son else "F", age))
            if son and (son_age is None or age > son_age):
                son_age = age
        left -= 1
    return members


def _health(rng: random.Random, age: int, frail: float) -> tuple[str, str]:
    r = rng.random()
    if age < 45:
        chronic, serious, disabled = 0.02, 0.004, 0.012
    elif age < 65:
        chronic, serious, disabled = 0.12, 0.02, 0.03
    else:
        chronic, serious, disabled = 0.30, 0.05, 0.06
    chronic, serious, disabled = chronic * frail, serious * frail, disabled * frail
    if r < disabled:
        grade = rng.choices(DisabilityGrade.values, weights=(10, 20, 30, 40))[0]
        return Health.DISABLED, grade
    if r < disabled + serious:
        return Health.SERIOUS, ""
    if r < disabled + serious + chronic:
        return Health.CHRONIC, ""
    return Health.HEALTHY, ""


def _school(rng: random.Random, age: int) -> str:
    if age < 3:
        return ""
    if age < 6:
        return SchoolStatus.PRESCHOOL if rng.random() < 0.85 else ""
    if age < 12:
        return SchoolStatus.PRIMARY
    if age < 15:
        return SchoolStatus.JUNIOR if rng.random() > 0.004 else SchoolStatus.DROPOUT
    if age < 18:
        r = rng.random()
        return SchoolStatus.SENIOR if r < 0.55 else SchoolStatus.VOCATIONAL if r < 0.88 else SchoolStatus.NOT_STUDENT
    if age < 22:
        r = rng.random()
        return (SchoolStatus.UNIVERSITY if r < 0.25 else SchoolStatus.HIGHER_VOCATIONAL if r < 0.42
                else SchoolStatus.NOT_STUDENT)
    return SchoolStatus.NOT_STUDENT


def _labour(rng: random.Random, age: int, health: str, grade: str, school: str) -> str:
    if age < 16 or school not in ("", SchoolStatus.NOT_STUDENT, SchoolStatus.DROPOUT):
        return LabourAbility.NONE
    if health == Health.SERIOUS or grade in (DisabilityGrade.G1, DisabilityGrade.G2):
        return LabourAbility.LOST
    r = rng.random()
    if age < 60:
        if health != Health.HEALTHY:
            return LabourAbility.WEAK if r < 0.7 else LabourAbility.ORDINARY
        return LabourAbility.ORDINARY if r < 0.78 else LabourAbility.SKILLED if r < 0.94 else LabourAbility.WEAK
    if age < 70:
        return (LabourAbility.ORDINARY if r < 0.3 else LabourAbility.WEAK if r < 0.8 else LabourAbility.LOST
                if r < 0.9 else LabourAbility.NONE)
    return LabourAbility.WEAK if r < 0.15 else LabourAbility.LOST if r < 0.4 else LabourAbility.NONE


WORK_PLACES = (WorkPlace.IN_COUNTY, WorkPlace.IN_PROVINCE, WorkPlace.OUT_PROVINCE)


def _work(rng: random.Random, age: int, labour: str) -> tuple[int | None, str]:
    if age < 16:
        return None, ""
    if labour in (LabourAbility.ORDINARY, LabourAbility.SKILLED) and age < 60 and rng.random() < 0.68:
        return rng.choice((3, 4, 5, 6, 6, 8, 9, 10, 10, 11, 12, 12)), rng.choices(WORK_PLACES, (35, 30, 35))[0]
    if labour == LabourAbility.WEAK and rng.random() < 0.15:
        return rng.randint(2, 8), WorkPlace.IN_COUNTY  # 公益岗位, workshops near home
    return 0, ""


# Median per-capita net income and spread (log-normal) by household type.
INCOME_LEVELS = {HouseholdType.ORDINARY: (17500, 0.30), HouseholdType.LIFTED: (13000, 0.25),
                 HouseholdType.MONITORED: (9500, 0.25)}


def _income_parts(rng: random.Random, pc: float, size: int, workers: int, key: bool) -> dict[str, Decimal]:
    """Split a household's net income into the five registry amounts (whole yuan)."""
    net = max(0, round(pc * size))
    wage = rng.uniform(0.55, 0.8) if workers else rng.uniform(0.0, 0.1)
    business = rng.uniform(0.08, 0.3)
    prop = rng.uniform(0.0, 0.04)
    transfer = rng.uniform(0.15, 0.35) if key else rng.uniform(0.03, 0.15)
    total = wage + business + prop + transfer
    wage, business, prop = wage / total, business / total, prop / total
    expense_ratio = rng.uniform(0.25, 0.5)
    gross = net / (1 - business * expense_ratio)
    w, b, p = round(gross * wage), round(gross * business), round(gross * prop)
    e = round(b * expense_ratio)
    t = max(0, net - w - b - p + e)
    return {"wage": Decimal(w), "business": Decimal(b), "property": Decimal(p), "transfer": Decimal(t),
            "business_expense": Decimal(e)}


def _village_counts(rng: random.Random, n: int, villages: list) -> list[int]:
    weights = [rng.uniform(0.5, 1.5) for _ in villages]
    total = sum(weights)
    counts = [int(n * w / total) for w in weights]
    for i in range(n - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


HOUSEHOLD_COLUMNS = ("id", "household_no", "county_code", "village_id", "region_code", "household_type",
                     "monitoring_type", "relocated", "head_name")
PERSON_COLUMNS = ("id", "household_id", "region_code", "id_number", "name", "relation", "gender", "birth_date",
                  "labour_ability", "health", "disability_grade", "school_status", "work_months", "work_place",
                  "medical_insured", "status")
INCOME_COLUMNS = ("id", "household_id", "year", "wage", "business", "property", "transfer", "business_expense",
                  "household_size", "net_income", "per_capita")


class _Inserter:
    """Plain multi-row INSERTs with explicit ids: the ORM's bulk_create spends most of its time preparing values
    field by field, which for a million persons is minutes. Columns the demo does not set get their model
    default, so a field added later with a default does not break the demo."""

    def __init__(self, model, columns: tuple[str, ...]):
        self.model = model
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        fixed: dict[str, object] = {}
        for f in model._meta.concrete_fields:
            if f.attname in columns:
                continue
            if f.attname in ("created_at", "updated_at"):
                fixed[f.column] = now
            else:
                fixed[f.column] = f.get_db_prep_save(f.get_default(), connection)
        self.tail = tuple(fixed.values())
        table = connection.ops.quote_name(model._meta.db_table)
        names = [model._meta.get_field(c).column if c != "id" else "id" for c in columns] + list(fixed)
        cols = ", ".join(connection.ops.quote_name(n) for n in names)
        self.sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(names))})"
        self.copy_sql = f"COPY {table} ({cols}) FROM STDIN"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {table}")
            self.next_id = (cursor.fetchone()[0] or 0) + 1

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        tail = self.tail
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: row-by-row INSERTs over the wire are a hundred times slower.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row + tail)
            else:
                cursor.executemany(self.sql, [row + tail for row in rows])


def demo_registry(ctx) -> dict:
    """Fill the demo county with `ctx.households` households; returns {"households": n, "persons": m}."""
    rng = random.Random(f"gonggu-registry-{ctx.seed}")
    today = ctx.today
    ids = IdAllocator(ctx.county.code[:6])
    years = (today.year - 2, today.year - 1)
    counts = _village_counts(rng, ctx.households, ctx.villages) if ctx.villages else []
    n_households = n_persons = 0
    with transaction.atomic():
        writers = [_Inserter(Household, HOUSEHOLD_COLUMNS), _Inserter(Person, PERSON_COLUMNS),
                   _Inserter(IncomeAccount, INCOME_COLUMNS)]
        buffers: tuple[list, list, list] = ([], [], [])
        for village, count in zip(ctx.villages, counts, strict=True):
            for seq in range(1, count + 1):
                _household(rng, village, seq, ids, today, years, writers, buffers)
                n_households += 1
                if len(buffers[0]) >= BATCH_HOUSEHOLDS:
                    n_persons += len(buffers[1])
                    for writer, rows in zip(writers, buffers, strict=True):
                        writer.write(rows)
                        rows.clear()
        n_persons += len(buffers[1])
        for writer, rows in zip(writers, buffers, strict=True):
            writer.write(rows)
        # PostgreSQL: explicit ids leave the sequences behind; SQLite needs nothing.
        reset = connection.ops.sequence_reset_sql(no_style(), [Household, Person, IncomeAccount])
        with connection.cursor() as cursor:
            for sql in reset:
                cursor.execute(sql)
    return {"households": n_households, "persons": n_persons}


def _household(rng: random.Random, village, seq: int, ids: IdAllocator, today: dt.date, years, writers, buffers):
    h_writer, p_writer, i_writer = writers
    h_rows, p_rows, i_rows = buffers
    r = rng.random()
    if r < 0.125:
        kind, monitoring = HouseholdType.LIFTED, ""
    elif r < 0.135:
        kind = HouseholdType.MONITORED
        monitoring = rng.choices(MonitoringType.values, weights=(30, 55, 15))[0]
    else:
        kind, monitoring = HouseholdType.ORDINARY, ""
    key = kind != HouseholdType.ORDINARY
    frail = 1.8 if key else 1.0
    surname = rng.choice(SURNAMES)
    size = rng.choices(HOUSEHOLD_SIZES, SIZE_WEIGHTS)[0]
    household_id = h_writer.take_id()
    workers = 0
    head_name = ""
    members = _composition(rng, size)
    for relation, gender, age in members:
        own_surname = surname if relation not in (Relation.SPOUSE, Relation.MOTHER, Relation.DAUGHTER_IN_LAW,
                                                  Relation.SON_IN_LAW) else rng.choice(SURNAMES)
        name = _name(rng, own_surname, gender)
        birth = today - dt.timedelta(days=age * 365 + age // 4 + rng.randint(1, 364))
        number, birth = ids.take(birth, gender)
        health, grade = _health(rng, age, frail)
        school = _school(rng, age)
        labour = _labour(rng, age, health, grade, school)
        months, place = _work(rng, age, labour)
        workers += bool(months)
        if relation == Relation.HEAD:
            head_name = name
        p_rows.append((p_writer.take_id(), household_id, village.code, number, name, relation.value, gender, birth,
                       labour, health, grade, school, months, place, rng.random() < 0.97, PersonStatus.ACTIVE.value))
    h_rows.append((household_id, f"{village.code[6:]}{seq:05d}", village.code[:6], village.pk, village.code,
                   kind.value, monitoring, kind == HouseholdType.LIFTED and rng.random() < 0.04, head_name))
    median, sigma = INCOME_LEVELS[kind]
    pc = rng.lognormvariate(math.log(median), sigma)
    for i, year in enumerate(years):
        if i:
            drop = 0.12 if monitoring == MonitoringType.SUDDEN else 0.015
            pc *= (1 - rng.uniform(0.3, 0.6)) if rng.random() < drop else (1 + rng.gauss(0.06, 0.05))
        parts = _income_parts(rng, pc, len(members), workers, key)
        net = net_income(**parts)
        i_rows.append((i_writer.take_id(), household_id, year, parts["wage"], parts["business"], parts["property"],
                       parts["transfer"], parts["business_expense"], len(members), net, per_capita(net, len(members))))


def _clear_dependents(low: str, high: str) -> None:
    """Rows of other tables that point at the demo's households or persons (import outcomes, …).

    CASCADE and SET_NULL relations are honoured through the ORM (they are few); PROTECT ones are left
    to their owners' own demo_clear, which runs before this one.
    """
    from django.db.models import CASCADE, SET_NULL

    own = {Household, Person, IncomeAccount, Household.history.model, Person.history.model,
           IncomeAccount.history.model}
    for model in (Person, Household):
        for rel in model._meta.related_objects:
            if rel.related_model in own or not rel.field.concrete:
                continue
            rows = rel.related_model._base_manager.filter(**{f"{rel.field.name}__region_code__range": (low, high)})
            if rel.on_delete is CASCADE:
                rows.delete()
            elif rel.on_delete is SET_NULL:
                rows.update(**{rel.field.name: None})


def demo_clear(*, prefix: str) -> None:
    """Delete the registry rows (and their history) under a county prefix, set-based."""
    low, high = code_range(prefix)
    qn = connection.ops.quote_name
    hh = qn(Household._meta.db_table)
    in_households = f"household_id IN (SELECT id FROM {hh} WHERE region_code BETWEEN %s AND %s)"
    statements = [
        (IncomeAccount.history.model, in_households),
        (IncomeAccount, in_households),
        (Person.history.model, "region_code BETWEEN %s AND %s"),
        (Person, "region_code BETWEEN %s AND %s"),
        (Household.history.model, "region_code BETWEEN %s AND %s"),
        (Household, "region_code BETWEEN %s AND %s"),
    ]
    with transaction.atomic():
        _clear_dependents(low, high)
        # Raw deletes: the ORM's delete() would load every row to send signals (and write a history row for each).
        with connection.cursor() as cursor:
            for model, where in statements:
                cursor.execute(f"DELETE FROM {qn(model._meta.db_table)} WHERE {where}", [low, high])
