"""A county-sized PostgreSQL database for the load test: the demo county's regions and users, N persons.

    .venv/bin/python bench/load/prepare.py --persons 1000000 \
        --database-url postgres://postgres@127.0.0.1:5432/gonggu_load

Drops and recreates the database named in the URL, migrates it (`gonggu migrate`), builds the demo county
with its users (`gonggu demo --households 0`), adds villages so that each township has a county's usual
number of them, then writes about N persons (N / 3.3 households, two income years each), open and
verified warnings for a few percent of the households, and the stored findings of one screening run and
one quality run. Rows are generated in Python and written with PostgreSQL COPY; the ORM would take tens
of minutes for a million persons. Ends with VACUUM ANALYZE, the state autovacuum leaves a live database
in. Prints one JSON document with the counts and the seconds of each stage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
GONGGU = ROOT / ".venv" / "bin" / "gonggu"

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
            "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
MALE_CHARS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帅帆亮建国庆志兵海东林峰振红春永长发富贵成德胜利全新宏小"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英华慧巧美淑惠珍玉兰凤洁琳素云莲梅红燕萍雪琴桂荣爱金香月彩翠梦婷佳欣怡雨晓小"
VILLAGE_HEADS = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
VILLAGE_TAILS = ("庄村", "营村", "寨村", "楼村", "河村", "岗村", "店村", "湾村", "沟村", "坡村", "屯村", "集村", "铺村")
# Household sizes 1–7: mean 3.3 persons, as in the rural registries.
SIZES = (1, 2, 3, 4, 5, 6, 7)
SIZE_WEIGHTS = (12, 23, 22, 21, 13, 7, 2)
CHILD_RELATIONS = (("子", "M"), ("女", "F"))
GRAND_RELATIONS = (("孙子", "M"), ("孙女", "F"))
HEALTH = ("健康",) * 86 + ("长期慢性病",) * 9 + ("患有大病",) * 2 + ("残疾",) * 3
DISABILITY = ("一级", "二级", "三级", "三级", "四级", "四级")
LABOUR_ADULT = ("普通劳动力",) * 70 + ("技能劳动力",) * 12 + ("弱劳动力或半劳动力",) * 12 + ("丧失劳动力",) * 6
LABOUR_OLD = ("普通劳动力",) * 15 + ("弱劳动力或半劳动力",) * 45 + ("丧失劳动力",) * 20 + ("无劳动力",) * 20
WORK_PLACES = ("县内", "省内县外", "省外")
STATUS = ("在册",) * 196 + ("死亡", "死亡", "迁出", "迁出")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- database --------------------------------------------------------------------------------------------------

def recreate_database(url: str) -> str:
    """Drop and create the database of `url` (its own connections are ended first); returns its name."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"refusing to drop the database {name!r}: name a database of its own in the URL")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                     "pg_backend_pid()", [name])
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def app_env(url: str, data_dir: Path) -> dict[str, str]:
    """The environment the app runs under for the benchmark: this database, DEBUG off, its own data directory."""
    env = dict(os.environ)
    env.update({"GONGGU_DATABASE_URL": url, "GONGGU_DEBUG": "0", "GONGGU_DATA_DIR": str(data_dir),
                "DJANGO_SETTINGS_MODULE": "config.settings.base"})
    env.pop("GONGGU_ENV", None)
    return env


def gonggu(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([str(GONGGU), *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"gonggu {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


# --- COPY ------------------------------------------------------------------------------------------------------

def _text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class CopyTable:
    """COPY rows into a model's table. The generator gives the columns it knows; every other column gets
    its model default, so a column added to the model later (with a default) does not break the benchmark.
    With `optional=True` (warnings, findings: models of apps still changing) values for columns the model
    no longer has are left out; the registry tables must have every column the generator writes."""

    def __init__(self, model, columns: tuple[str, ...], *, optional: bool = False):
        from django.core.exceptions import FieldDoesNotExist
        from django.db import models
        from django.utils import timezone

        self.model = model
        self.table = model._meta.db_table
        now = timezone.now()
        present = []
        for c in columns:
            try:
                model._meta.get_field(c.removesuffix("_id") if c.endswith("_id") and c != "id" else c)
                present.append(c)
            except FieldDoesNotExist:
                if not optional:
                    raise SystemExit(f"{self.table}: the model has no column {c!r}; update bench/load/prepare.py") from None
        self.keep = None if len(present) == len(columns) else [columns.index(c) for c in present]
        columns = tuple(present)
        known = set(columns)
        rest, tail, missing = [], [], []
        for f in model._meta.concrete_fields:
            if f.attname in known or (f.primary_key and isinstance(f, models.AutoField)):
                continue
            if f.attname in ("created_at", "updated_at") or getattr(f, "auto_now", False) \
                    or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif isinstance(f, (models.CharField, models.TextField)):
                value = ""
            else:
                missing.append(f.attname)
                continue
            rest.append(f.column)
            tail.append(_text(value))
        if missing:
            raise SystemExit(f"{self.table}: no value for required columns {missing}; update bench/load/prepare.py")
        self.columns = [c if c == "id" or c.endswith("_id") else model._meta.get_field(c).column
                        for c in columns] + rest
        self.tail = ("\t" + "\t".join(tail)) if tail else ""
        self.buffer = io.StringIO()
        self.rows = 0

    def add(self, row: tuple) -> None:
        if self.keep is not None:
            row = tuple(row[i] for i in self.keep)
        self.buffer.write("\t".join(_text(v) for v in row) + self.tail + "\n")
        self.rows += 1

    def add_line(self, line: str) -> None:
        """A row already in COPY text format (the hot path for persons)."""
        self.buffer.write(line + self.tail + "\n")
        self.rows += 1

    def copy(self, cursor) -> None:
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.table), sql.SQL(", ").join(sql.Identifier(c) for c in self.columns))
        data = self.buffer.getvalue().encode()
        self.buffer = io.StringIO()
        with cursor.copy(statement) as copy:
            step = 8 << 20
            for i in range(0, len(data), step):
                copy.write(data[i:i + step])


def detach_indexes(cursor, table: str) -> list[str]:
    """Drop a table's secondary indexes and its unique and foreign-key constraints before a bulk COPY;
    returns the statements that put them back. Building an index once over sorted data and checking a
    foreign key with one join are far cheaper than maintaining them row by row (a deferred foreign key
    queues one trigger event per row)."""
    from psycopg import sql

    cursor.execute("SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                   "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname", [table])
    constraints = cursor.fetchall()
    cursor.execute("SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                   "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                   "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
                   "AND k.conrelid = i.indrelid) ORDER BY c.relname", [table])
    indexes = cursor.fetchall()
    restore_first, restore_last = [], []
    for name, definition, kind in constraints:
        cursor.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(table), sql.Identifier(name)))
        statement = sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(sql.Identifier(table), sql.Identifier(name)) \
            + sql.SQL(definition)
        (restore_last if kind == "f" else restore_first).append(statement)
    for name, definition in indexes:
        cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        restore_first.append(sql.SQL(definition))
    return restore_first + restore_last


# --- regions ---------------------------------------------------------------------------------------------------

def add_villages(per_township: int, rng: random.Random) -> list:
    """Villages under each demo township up to `per_township` (a county of a million has several hundred)."""
    from gonggu.core.codes import PREFIX_LENGTH, Level
    from gonggu.regions.models import Region
    from gonggu.web.demo import COUNTY

    prefix = COUNTY[0][:6]
    townships = list(Region.objects.filter(level=Level.TOWNSHIP, code__startswith=prefix).order_by("code"))
    used = set(Region.objects.filter(level=Level.VILLAGE, code__startswith=prefix).values_list("name", flat=True))
    new = []
    for township in townships:
        have = Region.objects.filter(parent=township, level=Level.VILLAGE).count()
        for v in range(have, per_township):
            while True:
                name = rng.choice(VILLAGE_HEADS) + rng.choice(VILLAGE_HEADS) + rng.choice(VILLAGE_TAILS)
                if name not in used:
                    used.add(name)
                    break
            code = f"{township.code[:9]}{201 + v:03d}"
            new.append(Region(code=code, name=name, level=Level.VILLAGE, parent=township,
                              prefix=code[:PREFIX_LENGTH[Level.VILLAGE]]))
    Region.objects.bulk_create(new, batch_size=2000)
    return list(Region.objects.filter(level=Level.VILLAGE, code__startswith=prefix).order_by("code"))


# --- registry --------------------------------------------------------------------------------------------------

# GB 11643 weights and check characters (gonggu.core.idnumber); the generator checks itself against it.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def generate_registry(rng: random.Random, villages: list, persons: int, today: dt.date, tables) -> dict:
    """Households, members and two income years, straight into the COPY buffers (text format).

    The hot loop avoids per-value conversions and `random.choice` (about 40 µs a person): a million
    persons are generated in well under a minute.
    """
    households_t, persons_t, incomes_t = tables
    from gonggu.core.idnumber import check_digit

    area = villages[0].code[:6]
    area_sum = sum(int(c) * w for c, w in zip(area, ID_WEIGHTS[:6], strict=True))
    years = (today.year - 2, today.year - 1)
    weights = [rng.uniform(0.5, 1.5) for _ in villages]
    total_w = sum(weights)
    expected_households = persons / 3.29
    quota = [max(1, round(expected_households * w / total_w)) for w in weights]
    used_ids: dict[int, int] = {}
    dates: dict[int, tuple[str, str, int]] = {}    # birth ordinal -> (ISO date, yyyymmdd, weighted digit sum)
    today_ord = today.toordinal()
    random_ = rng.random
    sizes = rng.choices(SIZES, SIZE_WEIGHTS, k=int(expected_households * 1.2) + 10)
    n_sizes = len(sizes)
    surnames, male_chars, female_chars = SURNAMES, MALE_CHARS, FEMALE_CHARS
    n_surnames, n_male, n_female = len(SURNAMES), len(MALE_CHARS), len(FEMALE_CHARS)
    health_list, labour_adult, labour_old = HEALTH, LABOUR_ADULT, LABOUR_OLD
    status_list = STATUS
    persons_add = persons_t.add_line
    households_add = households_t.add_line
    incomes_add = incomes_t.add_line
    hid = pid = iid = written = village_i = seq = size_i = 0
    kinds = {"lifted": 0, "monitored": 0}

    def pick(seq_):
        return seq_[int(random_() * len(seq_))]

    def new_person(household, region, relation, gender, age, surname):
        nonlocal pid
        pid += 1
        birth_ord = today_ord - age * 365 - age // 4 - 1 - int(random_() * 364)
        male = gender == "M"
        while True:
            key = birth_ord * 2 + male
            k = used_ids.get(key, 0)
            if k < 499:
                used_ids[key] = k + 1
                break
            birth_ord -= 1
        day = dates.get(birth_ord)
        if day is None:
            d = dt.date.fromordinal(birth_ord)
            digits = f"{d:%Y%m%d}"
            day = dates[birth_ord] = (d.isoformat(), digits, area_sum + sum(
                int(c) * w for c, w in zip(digits, ID_WEIGHTS[6:14], strict=True)))
        iso, digits, partial = day
        s = 2 * k + (1 if male else 2)
        number = f"{area}{digits}{s:03d}" + ID_CHECK[(partial + (s // 100) * 8 + (s // 10 % 10) * 4 + (s % 10) * 2)
                                                     % 11]
        if male:
            given = male_chars[int(random_() * n_male)]
            if random_() >= 0.3:
                given += male_chars[int(random_() * n_male)]
        else:
            given = female_chars[int(random_() * n_female)]
            if random_() >= 0.3:
                given += female_chars[int(random_() * n_female)]
        name = surname + given
        health = health_list[int(random_() * 100)]
        grade = pick(DISABILITY) if health == "残疾" else ""
        if age < 3:
            school = ""
        elif age < 6:
            school = "学前教育"
        elif age < 12:
            school = "小学"
        elif age < 15:
            school = "初中"
        elif age < 18:
            school = "高中" if random_() < 0.55 else "中职"
        elif age < 22:
            school = pick(("大学", "高职", "非在校生", "非在校生"))
        else:
            school = "非在校生"
        if age < 16 or school not in ("", "非在校生"):
            labour = "无劳动力"
        elif age < 60:
            labour = labour_adult[int(random_() * 100)]
        else:
            labour = labour_old[int(random_() * 100)]
        working = False
        if age >= 16 and age < 60 and labour in ("普通劳动力", "技能劳动力") and random_() < 0.68:
            months, place, working = str(3 + int(random_() * 10)), pick(WORK_PLACES), True
        elif age >= 16:
            months, place = "0", ""
        else:
            months, place = "\\N", ""
        status = "在册" if relation == "户主" else status_list[int(random_() * 200)]
        status_date = "\\N" if status == "在册" else \
            dt.date.fromordinal(today_ord - 30 - int(random_() * 670)).isoformat()
        persons_add(f"{pid}\t{household}\t{region}\t{number}\t{name}\t{relation}\t{gender}\t{iso}\t{labour}\t{health}\t"
                    f"{grade}\t{school}\t{months}\t{place}\t{'t' if random_() < 0.97 else 'f'}\t{status}\t"
                    f"{status_date}")
        if pid <= 50:
            assert number[17] == check_digit(number[:17]), number
        return name, working

    while written < persons:
        if seq >= quota[village_i] and village_i < len(villages) - 1:
            village_i += 1
            seq = 0
        village = villages[village_i]
        seq += 1
        hid += 1
        region = village.code
        size = min(sizes[size_i % n_sizes], persons - written)
        size_i += 1
        r = random_()
        if r < 0.125:
            kind, monitoring = "脱贫户", ""
            kinds["lifted"] += 1
        elif r < 0.135:
            kind = "监测户"
            monitoring = rng.choices(("脱贫不稳定户", "边缘易致贫户", "突发严重困难户"), (30, 55, 15))[0]
            kinds["monitored"] += 1
        else:
            kind, monitoring = "一般农户", ""
        surname = surnames[int(random_() * n_surnames)]
        head_age = int(rng.triangular(25, 90, 56))
        head_gender = "M" if random_() < 0.86 else "F"
        head_name, working = new_person(hid, region, "户主", head_gender, head_age, surname)
        workers = int(working)
        for i in range(1, size):
            if i == 1:
                g = "F" if head_gender == "M" else "M"
                _n, w = new_person(hid, region, "配偶", g, max(20, head_age - 5 + int(random_() * 10)),
                                   surnames[int(random_() * n_surnames)])
            elif i <= 4 or head_age < 60:
                relation, g = pick(CHILD_RELATIONS)
                _n, w = new_person(hid, region, relation, g,
                                   max(0, head_age - 20 - int(random_() * (min(40, head_age) - 19))), surname)
            else:
                relation, g = pick(GRAND_RELATIONS)
                _n, w = new_person(hid, region, relation, g, max(0, head_age - 45 - int(random_() * 16)), surname)
            workers += int(w)
        written += size
        relocated = "t" if kind == "脱贫户" and random_() < 0.04 else "f"
        households_add(f"{hid}\t{region[6:]}{seq:05d}\t{region[:6]}\t{village.pk}\t{region}\t{kind}\t{monitoring}\t"
                       f"{relocated}\t{head_name}")
        median = 9500 if kind == "监测户" else 13000 if kind == "脱贫户" else 17500
        pc = rng.lognormvariate(math.log(median), 0.3)
        for y_i, year in enumerate(years):
            if y_i:
                pc *= (1 - rng.uniform(0.3, 0.6)) if random_() < 0.02 else (1 + rng.gauss(0.06, 0.05))
            net = max(0, round(pc * size))
            business = round(net * (0.1 + random_() * 0.2))
            expense = round(business * (0.2 + random_() * 0.2))
            transfer = round(net * (0.03 + random_() * 0.27))
            prop = round(net * random_() * 0.03)
            wage = max(0, net + expense - business - transfer - prop)
            net = wage + business + prop + transfer - expense
            iid += 1
            # Whole yuan: the per-capita figure rounded half up to the cent, as incomes.per_capita does.
            cents = (net * 100 * 2 + size) // (2 * size)
            incomes_add(f"{iid}\t{hid}\t{year}\t{wage}\t{business}\t{prop}\t{transfer}\t{expense}\t{size}\t{net}\t"
                        f"{cents // 100}.{cents % 100:02d}")
    return {"households": hid, "persons": pid, "income_accounts": iid, **kinds}


HOUSEHOLD_COLUMNS = ("id", "household_no", "county_code", "village_id", "region_code", "household_type",
                     "monitoring_type", "relocated", "head_name")
PERSON_COLUMNS = ("id", "household_id", "region_code", "id_number", "name", "relation", "gender", "birth_date",
                  "labour_ability", "health", "disability_grade", "school_status", "work_months", "work_place",
                  "medical_insured", "status", "status_date")
INCOME_COLUMNS = ("id", "household_id", "year", "wage", "business", "property", "transfer", "business_expense",
                  "household_size", "net_income", "per_capita")


# --- warnings and findings -------------------------------------------------------------------------------------

def _screening_models():
    try:
        from gonggu.screening.models import ScreeningRun, Warning
    except ImportError:
        return None
    return ScreeningRun, Warning


def generate_warnings(cursor, rng: random.Random, share: float, today: dt.date, counts: dict) -> dict:
    """Warnings for `share` of the households (70 % open, the rest verified), and the findings of the run
    that raised the open ones; plus quality findings for about 1 % of the households."""
    from gonggu.rules.catalog import CATALOG
    from gonggu.rules.models import Finding, RuleRun

    screening_rules = CATALOG.of_kind("screening")
    quality_rules = CATALOG.of_kind("quality")
    out = {"warnings": 0, "open_warnings": 0, "screening_findings": 0, "quality_findings": 0}
    n_households = counts["households"]
    picked = sorted(rng.sample(range(1, n_households + 1), int(n_households * share))) if screening_rules else []
    quality_picked = sorted(rng.sample(range(1, n_households + 1), int(n_households * 0.01))) if quality_rules \
        else []
    cursor.execute("SELECT id, household_no, region_code FROM registry_household WHERE id = ANY(%s)",
                   [picked + quality_picked])
    info = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
    cursor.execute("SELECT DISTINCT ON (household_id) household_id, id_number FROM registry_person "
                   "WHERE household_id = ANY(%s) AND relation = '户主'", [picked + quality_picked])
    heads = dict(cursor.fetchall())

    screening = _screening_models()
    runs = {}
    if screening_rules:
        run = RuleRun.objects.create(kind="screening", prefix="", as_of=today, rules=[r.code for r in screening_rules],
                                     counts={})
        runs["screening"] = run
    if quality_rules:
        runs["quality"] = RuleRun.objects.create(kind="quality", prefix="", as_of=today,
                                                 rules=[r.code for r in quality_rules], counts={})
    findings = CopyTable(Finding, ("run_id", "rule", "rule_version", "kind", "household_ref", "household_no",
                                   "id_number", "region_code", "grade", "risk_type", "detail", "evidence",
                                   "params"), optional=True)
    finding_counts: dict[str, dict[str, int]] = {"screening": {}, "quality": {}}

    warnings = None
    grades = ("red", "orange", "yellow", "yellow")
    if screening is not None and screening_rules:
        from gonggu.screening.evidence import rule_department

        ScreeningRun, Warning = screening
        srun = ScreeningRun.objects.create(as_of=today, prefix="", rules_evaluated=[r.code for r in screening_rules])
        warnings = CopyTable(Warning, ("rule", "rule_version", "household_id", "id_number", "region_code", "grade",
                                       "risk_type", "department", "evidence", "params", "detail", "fact_date",
                                       "fact_key", "first_raised_on", "last_seen_on", "first_run_id", "last_run_id",
                                       "deadline", "status", "ended_on", "verification_note"), optional=True)
        departments = {r.code: rule_department(r.code) for r in screening_rules}
        verified = ("纳入监测", "不予纳入", "已是监测对象", "数据有误")
        days = {"red": 3, "orange": 7, "yellow": 15, "info": 30}
    for hid in picked:
        rule = rng.choice(screening_rules)
        number, region = info[hid]
        id_number = heads.get(hid)
        grade = rule.grade or rng.choice(grades)
        raised = today - dt.timedelta(days=rng.randint(0, 40))
        evidence = [{"source": "registry", "year": today.year - 1, "per_capita": f"{rng.randint(4000, 9000)}.00",
                     "monitoring_line": "7900", "id_number": id_number}]
        is_open = rng.random() < 0.7
        if warnings is not None:
            deadline = raised + dt.timedelta(days=days.get(grade, 15))
            warnings.add((rule.code, rule.version, hid, id_number, region, grade, rule.risk_type,
                          departments[rule.code], evidence, {}, rule.title, None, f"{hid:032x}", raised, today,
                          srun.pk, srun.pk, deadline, "待核实" if is_open else rng.choice(verified),
                          None if is_open else raised + dt.timedelta(days=rng.randint(1, 10)),
                          "" if is_open else "已入户核实"))
            out["warnings"] += 1
            out["open_warnings"] += is_open
        if is_open:
            findings.add((runs["screening"].pk, rule.code, rule.version, "screening", hid, number, id_number, region,
                          grade, rule.risk_type, rule.title, json.dumps(evidence, ensure_ascii=False), "{}"))
            finding_counts["screening"][rule.code] = finding_counts["screening"].get(rule.code, 0) + 1
    for hid in quality_picked:
        rule = rng.choice(quality_rules)
        number, region = info[hid]
        findings.add((runs["quality"].pk, rule.code, rule.version, "quality", hid, number, heads.get(hid), region,
                      rule.grade or "info", rule.risk_type, rule.title, "[]", "{}"))
        finding_counts["quality"][rule.code] = finding_counts["quality"].get(rule.code, 0) + 1
    if warnings is not None:
        warnings.copy(cursor)
    findings.copy(cursor)
    for kind, run in runs.items():
        run.counts = {r: finding_counts[kind].get(r, 0) for r in run.rules}
        run.save(update_fields=["counts"])
    out["screening_findings"] = sum(finding_counts["screening"].values())
    out["quality_findings"] = sum(finding_counts["quality"].values())
    return out


# --- main ------------------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description="建立负载测试用的县级 PostgreSQL 数据库（删除后重建）")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--database-url", required=True, help="postgres://user@host:port/name（该库会被删除重建）")
    parser.add_argument("--villages-per-township", type=int, default=50)
    parser.add_argument("--warning-share", type=float, default=0.03, help="有预警的户占比")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("--database-url must be a PostgreSQL URL")

    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 1)
        log(f"{name}: {timings[name]} s")
        return now

    data_dir = Path(tempfile.gettempdir()) / "gonggu_load_data"
    data_dir.mkdir(exist_ok=True)
    env = app_env(args.database_url, data_dir)
    t = time.perf_counter()
    name = recreate_database(args.database_url)
    gonggu(["migrate", "--verbosity", "0"], env)
    t = lap("create_and_migrate", t)
    gonggu(["demo", "--households", "0", "--seed", str(args.seed)], env)
    t = lap("demo_regions_users", t)

    os.environ.update({k: env[k] for k in ("GONGGU_DATABASE_URL", "GONGGU_DEBUG", "GONGGU_DATA_DIR",
                                           "DJANGO_SETTINGS_MODULE")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from gonggu.registry.models import Household, IncomeAccount, Person

    rng = random.Random(f"gonggu-load-{args.seed}")
    today = timezone.localdate()
    villages = add_villages(args.villages_per_township, rng)
    t = lap("villages", t)

    tables = (CopyTable(Household, HOUSEHOLD_COLUMNS), CopyTable(Person, PERSON_COLUMNS),
              CopyTable(IncomeAccount, INCOME_COLUMNS))
    counts = generate_registry(rng, villages, args.persons, today, tables)
    t = lap("generate", t)
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute("SET LOCAL maintenance_work_mem = '256MB'")
        restore = [statement for table in tables for statement in detach_indexes(raw, table.table)]
        for table in tables:
            table.copy(raw)
            t = lap(f"copy_{table.table}", t)
        # Indexes and unique constraints first, then the foreign keys (checked against the primary keys).
        for statement in sorted(restore, key=lambda st: "FOREIGN KEY" in st.as_string(raw)):
            raw.execute(statement)
        t = lap("indexes_and_constraints", t)
        warning_counts = generate_warnings(raw, rng, args.warning_share, today, counts)
        t = lap("warnings_and_findings", t)
        for model in (Household, Person, IncomeAccount):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                           f"(SELECT MAX(id) FROM {model._meta.db_table}))")
    connection.close()

    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    t = lap("vacuum_analyze", t)
    load = round(sum(v for k, v in timings.items()
                     if k.startswith(("generate", "copy_", "indexes", "warnings", "vacuum"))), 1)
    print(json.dumps({
        "database": name, "villages": len(villages), **counts, **warning_counts, "database_size": size,
        "seconds": timings, "load_seconds": load, "total_seconds": round(time.perf_counter() - started, 1),
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
