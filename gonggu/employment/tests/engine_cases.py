"""The employment rules' cases for the cross-engine scenario (gonggu/rules/tests/test_engines_agree.py):
each builds a household (or, for a finding about a township, a township) in the scenario's county and says
whether its rule must fire at 2025-06-30.

A township-level case gets a township of its own, so its counts are its own. The scenario's township
(城关镇, the scope of the township run) must have a finding of every rule too: the cases that make it fire
there come last and count what the cases before them left in it."""

import datetime as dt
import itertools

from conftest import make_region
from gonggu.core.codes import Level
from gonggu.rules.tests import builders
from gonggu.rules.tests.builders import person

from ..models import PublicPost, WorkRecord, Workshop
from .factories import (
    attendance,
    public_post,
    rain_dew,
    relocated_household,
    resettlement_site,
    work_record,
    work_target,
    workshop,
    workshop_worker,
)

PARAMS = [("min_wage_monthly", "2000", None),
          ("rural_income_province", "20000", 2024), ("rural_income_province", "21000", 2025),
          ("rural_income_national", "21000", 2024), ("rural_income_national", "22000", 2025)]
D = dt.date(2025, 6, 30)
MAY, APRIL = dt.date(2025, 5, 1), dt.date(2025, 4, 1)
_townships = itertools.count(300)
_members = itertools.count(1)


def _post(subsidy="1200", *, labour="普通劳动力", posts=1, placement_no=1, end=None, start=dt.date(2025, 1, 1),
          months=(), **fields):
    def build(sc):
        h = sc.household(kind="脱贫户")
        p = person(h, labour_ability=labour)
        for i in range(posts):
            public_post(p, post_name=f"岗位{i + 1}", subsidy=subsidy, placement_no=placement_no, end=end, start=start,
                        **fields)
        for month in months:
            attendance(p, month, post_name="岗位1")
        return h
    return build


def _unpaid(month, paid):
    def build(sc):
        h = sc.household(kind="脱贫户")
        p = person(h)
        public_post(p, post_name="岗位1", agreement=True, insured=True)
        attendance(p, month, post_name="岗位1", due="1200", paid=paid)
        return h
    return build


def _own_village(sc):
    """A village in a township of its own, in the scenario's county."""
    county = sc.villages[0].parent.parent
    n = next(_townships)
    township = make_region(f"{county.code[:6]}{n:03d}000", f"乡镇{n}", Level.TOWNSHIP, county)
    return make_region(f"{county.code[:6]}{n:03d}201", f"村{n}", Level.VILLAGE, township)


def _member(village, kind="脱贫户"):
    h = builders.household(village, kind=kind, no=f"T{village.code[6:9]}{next(_members):05d}")
    return person(h)


def _posts_change(before_kind, now_kind, *, held=False):
    """A township where one post was held at last year-end (ended 2025-03-31) and another is held now
    (from April; `held`: one post held since 2024, nothing else)."""
    def build(sc):
        village = _own_village(sc)
        if held:
            public_post(_member(village), start=dt.date(2024, 6, 1))
            return village.parent.code
        if before_kind:
            public_post(_member(village, before_kind), start=dt.date(2024, 1, 1), end=dt.date(2025, 3, 31))
        if now_kind:
            public_post(_member(village, now_kind), start=APRIL)
        return village.parent.code
    return build


def _posts_fall_here(sc):
    """The scenario's own township: more posts ended this year than the cases before left on post now."""
    township = sc.villages[0].parent
    on_post = PublicPost.objects.filter(region_code__startswith=township.code[:9], start_date__lte=D).exclude(
        end_date__lt=D).count()
    for _ in range(on_post + 1):
        public_post(person(sc.household(kind="脱贫户")), start=dt.date(2024, 6, 1), end=dt.date(2025, 3, 31))
    return township.code


def _stable(records):
    """A township with work records {(person index, kind): {year: months}}."""
    def build(sc):
        village = _own_village(sc)
        for (_i, kind), years in records.items():
            p = _member(village, kind)
            for year, months in years.items():
                work_record(p, year, months)
        return village.parent.code
    return build


def _stable_fall_here(sc):
    township = sc.villages[0].parent
    key = WorkRecord.objects.filter(region_code__startswith=township.code[:9], months__gte=6,
                                    household__household_type="脱贫户")
    now, before = key.filter(year=2025).count(), key.filter(year=2024).count()
    for _ in range(max(now - before, 0) + 1):
        p = person(sc.household(kind="脱贫户"))
        work_record(p, 2024, 12)
        work_record(p, 2025, 0)
    return township.code


def _target(target, workers, *, year=2025):
    """A township with a target and workers [(kind, months)] in 2025."""
    def build(sc):
        village = _own_village(sc)
        work_target(village.parent.code, year, target)
        for kind, months in workers:
            work_record(_member(village, kind), 2025, months)
        return village.parent.code
    return build


def _target_here(sc):
    township = sc.villages[0].parent
    work_target(township.code, 2025, 100000)
    return township.code


def _away(year=2025, *, place="省外", months=3, kind="脱贫户", paid_on=None):
    def build(sc):
        h = sc.household(kind=kind)
        work_record(person(h), year, months, place=place, transport_paid_on=paid_on,
                    transport_subsidy="500" if paid_on else None)
        return h
    return build


_shops = itertools.count(1)


def _shop_change(*, closed=None, recognised=dt.date(2023, 1, 1), workers=()):
    """A township with one workshop and its workers [(kind, start, end)]."""
    def build(sc):
        village = _own_village(sc)
        name = f"帮扶车间{next(_shops)}"
        workshop(village.code, name, recognised=recognised, closed=closed)
        for kind, start, end in workers:
            workshop_worker(_member(village, kind), name, start=start, end=end)
        return village.parent.code
    return build


def _shop_worker(labour, end=None):
    def build(sc):
        h = sc.household(kind="脱贫户")
        name = f"帮扶车间{next(_shops)}"
        workshop(sc.villages[0].code, name)
        workshop_worker(person(h, labour_ability=labour), name, end=end)
        return h
    return build


def _shops_fall_here(sc):
    township = sc.villages[0].parent
    shops = Workshop.objects.filter(region_code__startswith=township.code[:9])
    open_now = shops.filter(recognised_on__lte=D).exclude(closed_on__lte=D).count()
    ye = dt.date(2024, 12, 31)
    open_then = shops.filter(recognised_on__lte=ye).exclude(closed_on__lte=ye).count()
    for _ in range(max(open_now - open_then, 0) + 1):
        workshop(sc.villages[0].code, f"帮扶车间{next(_shops)}", closed=dt.date(2025, 3, 31))
    return township.code


def _graduates(placed: list[str], *, year=2024):
    """A township with 雨露计划 graduates of `year`, one per destination given ("" = not filled in)."""
    def build(sc):
        village = _own_village(sc)
        for destination in placed:
            rain_dew(_member(village), year - 1, graduation_year=year, destination=destination)
        return village.parent.code
    return build


def _graduate_here(sc):
    rain_dew(person(sc.household(kind="脱贫户")), 2023, graduation_year=2024, destination="未就业")
    return sc.villages[0].parent.code


def _student(year, *, kind="脱贫户", subsidy="3000"):
    def build(sc):
        h = sc.household(kind=kind)
        rain_dew(person(h), year, subsidy=subsidy)
        return h
    return build


_sites = itertools.count(1)


def _site(*, here=False, **fields):
    """A 安置点 in a village of its own (`here`: in the scenario's first village, whose findings must include it)."""
    def build(sc):
        code = sc.villages[0].code if here else _own_village(sc).code
        resettlement_site(code, f"安置点{next(_sites)}", **fields)
        return code
    return build


def _relocated(*, industry="食用菌种植", worker=True, labour="普通劳动力"):
    def build(sc):
        h = sc.household(kind="脱贫户", relocated=True)
        relocated_household(person(h, labour_ability=labour), industry=industry, worker_name=None if worker else "")
        return h
    return build


def _site_income(before: str, now: str | None, *, here=False, kind="脱贫户"):
    """A 安置点 with one relocated household of `kind` whose per-capita income was `before` in 2024 and `now` in 2025
    (None: no 2025 account); the rural income rose 5 % in the province, 4.76 % in the nation (PARAMS)."""
    def build(sc):
        village = sc.villages[0] if here else _own_village(sc)
        name = f"安置点{next(_sites)}"
        resettlement_site(village.code, name)
        h = builders.household(village, kind=kind, no=f"S{village.code[6:9]}{next(_members):05d}")
        relocated_household(person(h), site_name=name)
        builders.income(h, 2024, per_capita=before)
        if now is not None:
            builders.income(h, 2025, per_capita=now)
        return village.code
    return build


W, E, YE = dt.date(2024, 6, 1), dt.date(2025, 2, 28), dt.date(2024, 12, 31)
KEY_TWO = [("脱贫户", 1), ("脱贫户", 12)]

CASES = [
    ("POST-SUBSIDY-LOW", "999.99 < 50% of 2000", _post("999.99"), True),
    ("POST-SUBSIDY-LOW", "exactly 50%", _post("1000"), False),
    ("POST-SUBSIDY-LOW", "left the post before D", _post("500", end=dt.date(2025, 6, 29)), False),
    ("POST-SUBSIDY-LOW", "leaves on D: still on the post", _post("500", end=D), True),
    ("POST-SUBSIDY-LOW", "starts after D", _post("500", start=dt.date(2025, 7, 1)), False),
    ("POST-MULTIPLE", "two posts at once", _post(posts=2), True),
    ("POST-MULTIPLE", "one post", _post(), False),
    ("POST-PLACEMENTS", "third placement", _post(placement_no=3), True),
    ("POST-PLACEMENTS", "second placement", _post(placement_no=2), False),
    ("POST-PLACEMENTS", "three records", _post(posts=3, end=dt.date(2025, 1, 31)), True),
    ("POST-LOST-LABOUR", "lost labour ability on a post", _post(labour="丧失劳动力"), True),
    ("POST-LOST-LABOUR", "weak labour on a post", _post(labour="弱劳动力或半劳动力"), False),
    ("POST-NO-AGREEMENT", "no agreement", _post(agreement=False), True),
    ("POST-NO-AGREEMENT", "agreement signed", _post(agreement=True), False),
    ("POST-NO-AGREEMENT", "left before D", _post(agreement=False, end=D - dt.timedelta(days=1)), False),
    ("POST-UNINSURED", "not insured", _post(insured=False), True),
    ("POST-UNINSURED", "insured", _post(insured=True), False),
    ("POST-NO-ATTENDANCE", "no attendance for May", _post(months=[APRIL]), True),
    ("POST-NO-ATTENDANCE", "May recorded", _post(months=[MAY]), False),
    ("POST-NO-ATTENDANCE", "started 2 May: not the whole month", _post(start=dt.date(2025, 5, 2)), False),
    ("POST-NO-ATTENDANCE", "started 1 May", _post(start=MAY), True),
    ("POST-NO-ATTENDANCE", "left 31 May", _post(end=dt.date(2025, 5, 31)), True),
    ("POST-NO-ATTENDANCE", "left 30 May", _post(end=dt.date(2025, 5, 30)), False),
    ("POST-SUBSIDY-UNPAID", "April not paid", _unpaid(APRIL, None), True),
    ("POST-SUBSIDY-UNPAID", "April a cent short", _unpaid(APRIL, "1199.99"), True),
    ("POST-SUBSIDY-UNPAID", "April paid in full", _unpaid(APRIL, "1200"), False),
    ("POST-SUBSIDY-UNPAID", "May not yet due (30 days after 31 May)", _unpaid(MAY, None), False),
    ("POST-COUNT-FALL", "post ended, none since", _posts_change("脱贫户", None), True),
    ("POST-COUNT-FALL", "same post held", _posts_change(None, None, held=True), False),
    ("POST-COUNT-FALL", "一般农户 replaced by 脱贫户", _posts_change("一般农户", "脱贫户"), False),
    ("POST-COUNT-FALL", "脱贫户 replaced by 一般农户", _posts_change("脱贫户", "一般农户"), True),
    ("WORK-STABLE-FALL", "one of two below 6 months", _stable({(1, "脱贫户"): {2024: 6, 2025: 6},
                                                              (2, "脱贫户"): {2024: 6, 2025: 5}}), True),
    ("WORK-STABLE-FALL", "6 months both years", _stable({(1, "脱贫户"): {2024: 6, 2025: 6}}), False),
    ("WORK-STABLE-FALL", "no record this year yet", _stable({(1, "脱贫户"): {2024: 12}}), False),
    ("WORK-STABLE-FALL", "一般农户 not counted", _stable({(1, "一般农户"): {2024: 12, 2025: 0}}), False),
    ("WORK-STABLE-FALL", "2023 not compared", _stable({(1, "脱贫户"): {2023: 12}, (2, "脱贫户"): {2023: 12},
                                                      (3, "脱贫户"): {2025: 6}}), False),
    ("WORK-TARGET-UNMET", "target met", _target(2, KEY_TWO), False),
    ("WORK-TARGET-UNMET", "one short", _target(3, KEY_TWO), True),
    ("WORK-TARGET-UNMET", "0 months do not count", _target(1, [("脱贫户", 0)]), True),
    ("WORK-TARGET-UNMET", "一般农户 do not count", _target(1, [("一般农户", 12)]), True),
    ("WORK-TARGET-UNMET", "last year's target", _target(5, [], year=2024), False),
    ("WORK-TARGET-UNMET", "the scenario's township", _target_here, True),
    ("WORK-TRANSPORT-UNPAID", "away, not paid", _away(), True),
    ("WORK-TRANSPORT-UNPAID", "away last year, not paid", _away(2024), True),
    ("WORK-TRANSPORT-UNPAID", "away two years ago", _away(2023), False),
    ("WORK-TRANSPORT-UNPAID", "paid", _away(paid_on=dt.date(2025, 3, 1)), False),
    ("WORK-TRANSPORT-UNPAID", "in the province", _away(place="省内县外"), False),
    ("WORK-TRANSPORT-UNPAID", "一般农户", _away(kind="一般农户"), False),
    ("WORK-TRANSPORT-UNPAID", "no month worked", _away(months=0), False),
    ("WORKSHOP-COUNT-FALL", "closed this year", _shop_change(closed=dt.date(2025, 3, 31)), True),
    ("WORKSHOP-COUNT-FALL", "closed on 1 January", _shop_change(closed=dt.date(2025, 1, 1)), True),
    ("WORKSHOP-COUNT-FALL", "closed on last year-end", _shop_change(closed=YE), False),
    ("WORKSHOP-COUNT-FALL", "new this year", _shop_change(recognised=dt.date(2025, 2, 1)), False),
    ("WORKSHOP-COUNT-FALL", "same worker", _shop_change(workers=[("脱贫户", W, None)]), False),
    ("WORKSHOP-COUNT-FALL", "worker left", _shop_change(workers=[("脱贫户", W, E)]), True),
    ("WORKSHOP-COUNT-FALL", "worker left on D", _shop_change(workers=[("脱贫户", W, D)]), False),
    ("WORKSHOP-COUNT-FALL", "worker replaced", _shop_change(workers=[("脱贫户", W, E), ("监测户", MAY, None)]), False),
    ("WORKSHOP-COUNT-FALL", "一般农户 worker left", _shop_change(workers=[("一般农户", W, E)]), False),
    ("WORKSHOP-LOST-LABOUR", "lost labour in a workshop", _shop_worker("丧失劳动力"), True),
    ("WORKSHOP-LOST-LABOUR", "weak labour", _shop_worker("弱劳动力或半劳动力"), False),
    ("WORKSHOP-LOST-LABOUR", "left before D", _shop_worker("丧失劳动力", end=D - dt.timedelta(days=1)), False),
    ("RAIN-DEW-RATE-LOW", "9 of 10: exactly 90%", _graduates(["就业"] * 7 + ["升学", "参军", "未就业"]), False),
    ("RAIN-DEW-RATE-LOW", "8 of 9", _graduates(["就业"] * 8 + ["未就业"]), True),
    ("RAIN-DEW-RATE-LOW", "destination not filled in", _graduates([""]), True),
    ("RAIN-DEW-RATE-LOW", "graduates of 2023 not counted", _graduates(["未就业"], year=2023), False),
    ("RAIN-DEW-RATE-LOW", "the scenario's township", _graduate_here, True),
    ("RAIN-DEW-INELIGIBLE", "一般农户", _student(2025, kind="一般农户"), True),
    ("RAIN-DEW-INELIGIBLE", "一般农户 two years ago", _student(2023, kind="一般农户"), False),
    ("RAIN-DEW-INELIGIBLE", "脱贫户", _student(2025), False),
    ("RAIN-DEW-INELIGIBLE", "监测户", _student(2025, kind="监测户"), False),
    ("RAIN-DEW-UNPAID", "a cent short", _student(2024, subsidy="2999.99"), True),
    ("RAIN-DEW-UNPAID", "paid in full", _student(2024), False),
    ("RAIN-DEW-UNPAID", "not paid", _student(2024, subsidy=None), True),
    ("RAIN-DEW-UNPAID", "this school year not yet due", _student(2025, subsidy=None), False),
    ("RELOC-SITE-NO-STATION", "800 people, no station", _site(persons=800), True),
    ("RELOC-SITE-NO-STATION", "799 people, no station", _site(persons=799), False),
    ("RELOC-SITE-NO-STATION", "800 people with a station", _site(persons=800, station=True), False),
    ("RELOC-SITE-NO-STATION", "the scenario's village", _site(here=True, persons=1200), True),
    ("RELOC-SITE-CARE-SPACE", "100 households, 29.99 ㎡", _site(care_area="29.99"), True),
    ("RELOC-SITE-CARE-SPACE", "100 households, 30 ㎡", _site(care_area="30"), False),
    ("RELOC-SITE-CARE-SPACE", "no care space filled in", _site(care_area=None), True),
    ("RELOC-SITE-CARE-SPACE", "scattered resettlement", _site(care_area=None, site_type="分散安置"), False),
    ("RELOC-SITE-CARE-SPACE", "the scenario's village", _site(here=True, households=350, care_area="100"), True),
    ("RELOC-SITE-INCOME-RATIO", "income +2 %, the rural +5 %", _site_income("10000", "10200"), True),
    ("RELOC-SITE-INCOME-RATIO", "income +10 %", _site_income("10000", "11000"), False),
    ("RELOC-SITE-INCOME-RATIO", "income +5 %: the province's ratio unchanged", _site_income("10000", "10500"), True),
    ("RELOC-SITE-INCOME-RATIO", "only a 一般农户 fell", _site_income("10000", "9000", kind="一般农户"), False),
    ("RELOC-SITE-INCOME-RATIO", "no income of 2025", _site_income("10000", None), False),
    ("RELOC-SITE-INCOME-RATIO", "the scenario's village", _site_income("12000", "12000", here=True), True),
    ("RELOC-HH-NO-INDUSTRY", "no industry", _relocated(industry=""), True),
    ("RELOC-HH-NO-INDUSTRY", "an industry", _relocated(), False),
    ("RELOC-HH-NO-STABLE-JOB", "able, nobody employed", _relocated(worker=False), True),
    ("RELOC-HH-NO-STABLE-JOB", "weak labour, nobody employed", _relocated(worker=False, labour="弱劳动力或半劳动力"), True),
    ("RELOC-HH-NO-STABLE-JOB", "a member employed", _relocated(), False),
    ("RELOC-HH-NO-STABLE-JOB", "no labour ability", _relocated(worker=False, labour="丧失劳动力"), False),
    # Last: they count what the cases above left in the scenario's township.
    ("WORKSHOP-COUNT-FALL", "the scenario's township", _shops_fall_here, True),
    ("POST-COUNT-FALL", "the scenario's township", _posts_fall_here, True),
    ("WORK-STABLE-FALL", "the scenario's township", _stable_fall_here, True),
]
