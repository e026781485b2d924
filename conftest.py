"""Shared fixtures: a small region tree, the named personas of the conventions, a headless browser."""

import os
import shutil
from pathlib import Path

import pytest

from gonggu.accounts.models import User
from gonggu.accounts.permissions import Role
from gonggu.core.codes import PREFIX_LENGTH, Level
from gonggu.core.departments import Department
from gonggu.monitoring.models import Measure, MonitoringCase, Visit
from gonggu.regions.models import Region
from gonggu.registry.models import Household

PASSWORD = "Test-pass-2026"


def make_region(code: str, name: str, level: Level, parent: Region | None = None) -> Region:
    return Region.objects.create(code=code, name=name, level=level, parent=parent, prefix=code[: PREFIX_LENGTH[level]])


@pytest.fixture
def regions(db):
    """Two counties; the first with two townships of two villages each, the second with one village."""
    province = make_region("410000000000", "河南省", Level.PROVINCE)
    city = make_region("410100000000", "郑州市", Level.CITY, province)
    county = make_region("410122000000", "中牟县", Level.COUNTY, city)
    t1 = make_region("410122100000", "城关镇", Level.TOWNSHIP, county)
    t2 = make_region("410122101000", "白沙镇", Level.TOWNSHIP, county)
    v11 = make_region("410122100201", "东村", Level.VILLAGE, t1)
    v12 = make_region("410122100202", "西村", Level.VILLAGE, t1)
    v21 = make_region("410122101201", "南村", Level.VILLAGE, t2)
    v22 = make_region("410122101202", "北村", Level.VILLAGE, t2)
    other_county = make_region("410181000000", "巩义市", Level.COUNTY, city)
    other_township = make_region("410181100000", "孝义街道", Level.TOWNSHIP, other_county)
    other_village = make_region("410181100201", "孝南村", Level.VILLAGE, other_township)
    return {
        "province": province, "city": city, "county": county, "township": t1, "township2": t2,
        "village": v11, "village_b": v12, "village_c": v21, "village_d": v22,
        "other_county": other_county, "other_township": other_township, "other_village": other_village,
    }


# Records of an app above the one under test (a rules test needs monitoring cases, a regions test households):
# built here, outside the app layers, from the real models, so a renamed model or field fails loudly.
def make_household(village: Region, household_no: str, **fields) -> Household:
    return Household.objects.create(household_no=household_no, county_code=village.code[:6], village=village,
                                    region_code=village.code, **({"household_type": "一般农户"} | fields))


def make_case(household: Household, **fields) -> MonitoringCase:
    return MonitoringCase.objects.create(household=household, region_code=household.region_code, **fields)


def make_measure(case: MonitoringCase, **fields) -> Measure:
    return Measure.objects.create(household=case.household, case=case, region_code=case.region_code, **fields)


def make_visit(case: MonitoringCase, **fields) -> Visit:
    return Visit.objects.create(household=case.household, case=case, region_code=case.region_code, **fields)


def make_user(username: str, role: str, region: Region, **extra) -> User:
    user = User(username=username, full_name=username, role=role, region=region, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def village_clerk(regions):
    return make_user("village_clerk", Role.VILLAGE_CLERK, regions["village"])


@pytest.fixture
def township_reviewer(regions):
    return make_user("township_reviewer", Role.TOWNSHIP_REVIEWER, regions["township"])


@pytest.fixture
def county_admin(regions):
    return make_user("county_admin", Role.COUNTY_ADMIN, regions["county"])


@pytest.fixture
def other_county_user(regions):
    return make_user("other_county_user", Role.COUNTY_ADMIN, regions["other_county"])


@pytest.fixture
def department_user(regions):
    return make_user("department_user", Role.DEPARTMENT_USER, regions["county"], department=Department.MZ)


@pytest.fixture
def leader(regions):
    return make_user("leader", Role.LEADER, regions["county"])


@pytest.fixture
def personas(village_clerk, township_reviewer, county_admin, other_county_user, department_user, leader):
    return {
        "village_clerk": village_clerk, "township_reviewer": township_reviewer, "county_admin": county_admin,
        "other_county_user": other_county_user, "department_user": department_user, "leader": leader,
    }


@pytest.fixture
def login(client):
    """`login(user)` returns the test client logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (no browser download: the machine is offline)."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("CI 需要 /usr/bin/chromium 运行浏览器测试（make test 会用 apt 安装）")
        pytest.skip("没有 /usr/bin/chromium")
    # Playwright's sync API runs an event loop in this thread; Django's ORM in the live server is in another.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


def browser_login(page, live_server, username: str) -> None:
    """Sign in on the real login page as one of the personas (their password is PASSWORD)."""
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(live_server.url + "/")


def _csp_watched(page) -> list[str]:
    """Console messages of the Content-Security-Policy refusing something: a page that the policy breaks."""
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    return refused


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    refused = _csp_watched(page)
    yield page
    context.close()
    assert refused == [], refused


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    refused = _csp_watched(page)
    yield page
    context.close()
    assert refused == [], refused


# The seed documents lie beside the repository (../shared/seeds), or where GONGGU_SEED_DIR says.
SEED_DIR = Path(os.environ.get("GONGGU_SEED_DIR") or Path(__file__).resolve().parent.parent / "shared" / "seeds")


def seed_file(name: str) -> Path:
    """A seed document for a test that reads it. Missing: a skip on a developer's machine, a failure on CI."""
    path = SEED_DIR / name
    if not path.is_file():
        message = f"seed document {name} not found in {SEED_DIR}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path

