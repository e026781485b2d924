"""The demo county: synthetic but plausible regions, users of every role, and (as modules land) data.

Codes follow the national 12-digit scheme under a county code that is not in use
(410199), so a demo database can never be mistaken for a real county.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from gonggu.accounts.models import User
from gonggu.accounts.permissions import Role
from gonggu.core.codes import PREFIX_LENGTH, Level
from gonggu.core.departments import Department
from gonggu.regions.models import Region

DEMO_PASSWORD = "Gonggu@2026"
PROVINCE = ("410000000000", "河南省")
CITY = ("410100000000", "郑州市")
COUNTY = ("410199000000", "示范县")
TOWNSHIPS = ["城关镇", "青山镇", "河口乡", "柳林乡", "白沙镇", "杨庄乡"]
VILLAGE_HEADS = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
                 "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"]
VILLAGE_TAILS = ["庄村", "营村", "寨村", "楼村", "河村", "岗村", "店村", "湾村", "沟村", "坡村"]


# Each module that has demo data provides `<app>/demo.py` with one function taking a DemoContext and
# returning counts for the summary. They run in this order: later steps use what earlier ones made.
DEMO_STEPS = [
    "gonggu.registry.demo.demo_registry",
    "gonggu.sources.demo.demo_sources",
    "gonggu.rules.demo.demo_rules",
    "gonggu.screening.demo.demo_screening",
    "gonggu.monitoring.demo.demo_monitoring",
    # The work areas' ledgers (each app's demo.py, where it has one), then their checks.
    "gonggu.employment.demo.demo_employment",
    "gonggu.welfare.demo.demo_welfare",
    "gonggu.credit.demo.demo_credit",
    "gonggu.funds.demo.demo_funds",
    "gonggu.guarantees.demo.demo_guarantees",
    "gonggu.stationing.demo.demo_stationing",
    "gonggu.surveys.demo.demo_surveys",
    "gonggu.rules.demo.demo_ledger_rules",
    "gonggu.tasks.demo.demo_tasks",
    "gonggu.assessment.demo.demo_assessment",
    "gonggu.assessment.risk_demo.demo_risk",
]


@dataclass
class DemoContext:
    rng: random.Random
    county: Region
    townships: list[Region]
    villages: list[Region]
    households: int
    users: dict[str, User]
    today: dt.date
    seed: int
    extra: dict = field(default_factory=dict)


@dataclass
class DemoLogin:
    username: str
    role: str
    region: str


def _region(code: str, name: str, level: Level, parent: Region | None) -> Region:
    return Region.objects.create(code=code, name=name, level=level, parent=parent, prefix=code[: PREFIX_LENGTH[level]])


def _steps():
    for dotted in DEMO_STEPS:
        # Every step is an app's own module: a missing one fails loudly instead of leaving its data out.
        module_name, func_name = dotted.rsplit(".", 1)
        module = importlib.import_module(module_name)
        yield module, getattr(module, func_name)


def demo_clear() -> None:
    """Remove the demo county: each module clears its own data first (latest steps first), then users and regions."""
    prefix = COUNTY[0][:6]
    for module, _func in reversed(list(_steps())):
        clear = getattr(module, "demo_clear", None)
        if clear is not None:
            clear(prefix=prefix)
    User.objects.filter(region__code__startswith=prefix).delete()
    for level in (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY):
        Region.objects.filter(code__startswith=prefix, level=level).delete()


@transaction.atomic
def demo_build_regions(rng: random.Random) -> tuple[Region, list[Region], list[Region]]:
    province = Region.objects.filter(code=PROVINCE[0]).first() or _region(*PROVINCE, Level.PROVINCE, None)
    city = Region.objects.filter(code=CITY[0]).first() or _region(*CITY, Level.CITY, province)
    county = _region(*COUNTY, Level.COUNTY, city)
    townships, villages = [], []
    used: set[str] = set()
    for t_index, t_name in enumerate(TOWNSHIPS):
        t_code = f"{COUNTY[0][:6]}{100 + t_index:03d}000"
        township = _region(t_code, t_name, Level.TOWNSHIP, county)
        townships.append(township)
        for v_index in range(rng.randint(8, 12)):
            while True:
                v_name = rng.choice(VILLAGE_HEADS) + rng.choice(VILLAGE_TAILS)
                if v_name not in used:
                    used.add(v_name)
                    break
            villages.append(_region(f"{t_code[:9]}{201 + v_index:03d}", v_name, Level.VILLAGE, township))
    return county, townships, villages


@transaction.atomic
def demo_build_users(county: Region, townships: list[Region], villages: list[Region]) -> list[DemoLogin]:
    first_village = villages[0]
    specs = [
        ("admin", "县级管理员示例", Role.COUNTY_ADMIN, county, ""),
        ("lingdao", "领导示例", Role.LEADER, county, ""),
        ("xiangzhen", "乡镇审核员示例", Role.TOWNSHIP_REVIEWER, townships[0], ""),
        ("cunyuan", "村级信息员示例", Role.VILLAGE_CLERK, first_village, ""),
        ("gongzuodui", "驻村工作队员示例", Role.VILLAGE_TEAM, first_village, ""),
        ("bangfu", "帮扶责任人示例", Role.ASSISTANCE_OFFICER, first_village, ""),
    ]
    for dept in (Department.MZ, Department.YB, Department.CL, Department.ZJ, Department.JY, Department.RS,
                 Department.YJ, Department.GA):
        specs.append((f"bumen_{dept.value}", f"{dept.label}部门示例", Role.DEPARTMENT_USER, county, dept.value))
    # One clerk per other village and one reviewer per other township, so every place has someone.
    for i, village in enumerate(villages[1:], start=2):
        specs.append((f"cunyuan{i}", f"{village.name}信息员", Role.VILLAGE_CLERK, village, ""))
    for i, township in enumerate(townships[1:], start=2):
        specs.append((f"xiangzhen{i}", f"{township.name}审核员", Role.TOWNSHIP_REVIEWER, township, ""))
    logins = []
    users = []
    # One hash for all: hashing is deliberately slow, and every demo user shares the password.
    password_hash = make_password(DEMO_PASSWORD)
    for username, full_name, role, region, dept in specs:
        user = User(username=username, full_name=full_name, role=role, region=region, department=dept,
                    password=password_hash)
        users.append(user)
        logins.append(DemoLogin(username, user.display_role if not dept else f"{role.label}（{Department(dept).label}）",
                                region.name))
    User.objects.bulk_create(users)
    return logins


def demo_build(*, households: int, seed: int, today: dt.date | None = None) -> dict:
    rng = random.Random(seed)
    demo_clear()
    county, townships, villages = demo_build_regions(rng)
    logins = demo_build_users(county, townships, villages)
    users = {u.username: u for u in User.objects.filter(region__code__startswith=county.prefix)}
    ctx = DemoContext(rng=rng, county=county, townships=townships, villages=villages, households=households,
                      users=users, today=today or dt.date.today(), seed=seed)
    summary: dict = {"households": 0}
    for _module, step in _steps():
        summary.update(step(ctx) or {})
    return {
        "county": county.code,
        "townships": len(townships),
        "villages": len(villages),
        **summary,
        "password": DEMO_PASSWORD,
        "logins": [login.__dict__ for login in logins[:14]],
    }
