"""The employment rules' cases for the cross-engine scenario (gonggu/rules/tests/test_engines_agree.py):
each builds a household in the scenario's villages and says whether its rule must fire at 2025-06-30."""

import datetime as dt

from gonggu.rules.tests.builders import person

from .factories import public_post

PARAMS = [("min_wage_monthly", "2000", None)]
D = dt.date(2025, 6, 30)


def _post(subsidy="1200", *, labour="普通劳动力", posts=1, placement_no=1, end=None, start=dt.date(2025, 1, 1)):
    def build(sc):
        h = sc.household(kind="脱贫户")
        p = person(h, labour_ability=labour)
        for i in range(posts):
            public_post(p, post_name=f"岗位{i + 1}", subsidy=subsidy, placement_no=placement_no, end=end, start=start)
        return h
    return build


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
]
