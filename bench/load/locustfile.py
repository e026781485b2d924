"""Locust scenario for the county-scale load test (started by bench/load/run.py; runnable on its own too).

Two personas log in once through the login form, then browse with a think time between pages:

* a village clerk (村级信息员; one of the demo county's clerks, each in their own village);
* a county administrator (县级管理员; the whole county).

Pages, weighted: the household list (first page, pages 2–20, any page), search by identity number, a
household's detail, the warning inbox and the rule catalog. Identity numbers and household ids are real
rows of each user's region, read from the database when the test starts (GONGGU_DATABASE_URL).

Every response time is also written to LOAD_SAMPLES (JSON lines) so that run.py computes exact
percentiles per page and persona; locust's own percentiles are rounded.

Environment: GONGGU_DATABASE_URL (required), LOAD_PASSWORD (the demo password), LOAD_WAIT ("1,3": think
time in seconds), LOAD_SAMPLES (file for the samples), LOAD_CLERK_SHARE (0.75: share of clerk users).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import re
import threading
import time

from locust import HttpUser, events, task
from locust.exception import StopUser

PASSWORD = os.environ.get("LOAD_PASSWORD", "Gonggu@2026")
WAIT_MIN, WAIT_MAX = (float(x) for x in os.environ.get("LOAD_WAIT", "1,3").split(","))
CLERK_SHARE = float(os.environ.get("LOAD_CLERK_SHARE", "0.75"))
SAMPLE_SIZE = 300
PAGE_SIZE = 50
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Filled at test start: {"clerks": [scope, ...], "county": scope}; a scope is a dict of username, prefix,
# households (count), ids (identity numbers), pks (household ids).
SCOPES: dict = {}
_samples: list[str] = []
_samples_lock = threading.Lock()
_user_numbers = itertools.count()


def _code_range(prefix: str) -> tuple[str, str]:
    return prefix.ljust(12, "0"), prefix.ljust(12, "9")


def _scope(cursor, username: str, prefix: str, *, sample: str) -> dict | None:
    lo, hi = _code_range(prefix)
    cursor.execute("SELECT count(*) FROM registry_household WHERE region_code BETWEEN %s AND %s", [lo, hi])
    households = cursor.fetchone()[0]
    if not households:
        return None
    cursor.execute(f"SELECT id_number FROM registry_person {sample} WHERE region_code BETWEEN %s AND %s "
                   f"ORDER BY random() LIMIT %s", [lo, hi, SAMPLE_SIZE])
    ids = [r[0] for r in cursor.fetchall()]
    cursor.execute(f"SELECT id FROM registry_household {sample} WHERE region_code BETWEEN %s AND %s "
                   f"ORDER BY random() LIMIT %s", [lo, hi, SAMPLE_SIZE])
    pks = [r[0] for r in cursor.fetchall()]
    return {"username": username, "prefix": prefix, "households": households, "ids": ids, "pks": pks}


def load_scopes(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT u.username, u.role, r.prefix FROM accounts_user u JOIN regions_region r ON r.id = u.region_id "
            "WHERE u.is_active AND u.role IN ('village_clerk', 'county_admin') ORDER BY u.username")
        users = cursor.fetchall()
        clerks = []
        for username, role, prefix in users:
            if role == "village_clerk":
                scope = _scope(cursor, username, prefix, sample="")
                if scope:
                    clerks.append(scope)
        admins = [(u, p) for u, role, p in users if role == "county_admin" and len(p) == 6]
        # The demo's own administrator first; a county-wide sample of 1 % of the table pages is plenty.
        admins.sort(key=lambda a: a[0] != "admin")
        county = _scope(cursor, admins[0][0], admins[0][1], sample="TABLESAMPLE SYSTEM (2)") if admins else None
    if not clerks or county is None:
        raise SystemExit("no village clerk or county administrator with households: run bench/load/prepare.py first")
    return {"clerks": clerks, "county": county}


@events.test_start.add_listener
def _on_test_start(environment, **_kwargs):
    url = os.environ.get("GONGGU_DATABASE_URL")
    if not url:
        raise SystemExit("GONGGU_DATABASE_URL is required (the database the app under test uses)")
    SCOPES.update(load_scopes(url))


@events.request.add_listener
def _on_request(request_type, name, response_time, response_length, exception, **_kwargs):
    line = json.dumps({"t": round(time.time(), 3), "name": name, "ms": round(response_time, 2),
                       "ok": exception is None})
    with _samples_lock:
        _samples.append(line)


@events.quitting.add_listener
def _on_quitting(environment, **_kwargs):
    path = os.environ.get("LOAD_SAMPLES")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(_samples) + ("\n" if _samples else ""))


class CountyUser(HttpUser):
    """One person at a desk: logs in once, then opens pages with a pause between them."""

    persona = ""

    def wait_time(self):
        return random.uniform(WAIT_MIN, WAIT_MAX)

    def on_start(self):
        # Personas by user number, not by chance: every run has the same mix (with 0.75, users 4, 8, 12 …
        # are county administrators), and the clerks are spread over the villages in turn.
        with _samples_lock:
            number = next(_user_numbers)
        county_share = 1 - CLERK_SHARE
        clerk = math.floor((number + 1) * county_share + 1e-9) == math.floor(number * county_share + 1e-9)
        self.persona = "clerk" if clerk else "county"
        clerks = SCOPES["clerks"]
        self.scope = clerks[(number * 7) % len(clerks)] if clerk else SCOPES["county"]
        self.pages = max(1, -(-self.scope["households"] // PAGE_SIZE))
        page = self.client.get("/accounts/login/", name="login form")
        token = CSRF_INPUT.search(page.text)
        with self.client.post("/accounts/login/", name="login", allow_redirects=False, catch_response=True,
                              data={"username": self.scope["username"], "password": PASSWORD, "next": "/",
                                    "csrfmiddlewaretoken": token.group(1) if token else ""},
                              headers={"Referer": f"{self.host}/accounts/login/"}) as response:
            if response.status_code != 302 or "/accounts/login" in response.headers.get("Location", ""):
                response.failure(f"login of {self.scope['username']} failed: HTTP {response.status_code}")
                raise StopUser()

    def _get(self, url: str, name: str, *, expect: str | None = None):
        # No redirects: a page that sends the user back to the login form is a failure, not a success.
        with self.client.get(url, name=f"{name} [{self.persona}]", allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code == 0:
                response.failure(f"no response: {response.error!r}")
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif expect is not None and expect not in response.text:
                response.failure(f"expected text {expect!r} not in the page")

    @task(4)
    def household_list(self):
        self._get("/registry/", "household_list")

    @task(2)
    def household_list_page(self):
        # The pager links previous and next: people page on from the first page.
        page = random.randint(2, max(2, min(self.pages, 20)))
        self._get(f"/registry/?page={page}", "household_list page N")

    @task(1)
    def household_list_deep_page(self):
        # Any page of the list, the last ones included (a page number typed into the address).
        self._get(f"/registry/?page={random.randint(1, self.pages)}", "household_list deep page")

    @task(3)
    def search_id_number(self):
        number = random.choice(self.scope["ids"])
        self._get(f"/registry/?q={number}", "search id_number")

    @task(4)
    def household_detail(self):
        self._get(f"/registry/households/{random.choice(self.scope['pks'])}/", "household_detail")

    @task(2)
    def warning_inbox(self):
        self._get("/screening/inbox/", "warning_inbox")

    @task(1)
    def rule_list(self):
        self._get("/rules/", "rule_list")
