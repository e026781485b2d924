"""The 三保障和饮水安全 rules' cases for the cross-engine scenario (gonggu/rules/tests/test_engines_agree.py):
each builds a household (or, for the water rules, a village's rows) in the scenario's place and says whether its
rule must fire at D = 2025-06-30."""

import datetime as dt
import itertools

from conftest import make_region
from gonggu.core.codes import Level
from gonggu.rules.tests import builders
from gonggu.rules.tests.builders import person
from gonggu.sources.factories import fact

from .factories import (
    dropout,
    health_service,
    home_visit,
    idle_house,
    inspection,
    persuasion,
    renovation,
    serious_illness,
    village_clinic,
    village_water,
    water_problem,
    water_training,
)

PARAMS = []   # the defaults: 18000 / 50000 yuan, 30 days to pay, 30 days to persuade three times
D = dt.date(2025, 6, 30)
DAY = dt.timedelta(days=1)
_places = itertools.count(300)   # village codes 300–999 of the scenario's townships


def _house(**fields):
    def build(sc):
        h = sc.household(kind="脱贫户")
        renovation(person(h), **fields)
        return h
    return build


def _appraised(grade, *, planned_year=None, appraised=dt.date(2025, 3, 1), status="已申请"):
    def build(sc):
        h = sc.household(kind="监测户")
        p = person(h)
        fact("zj_housing", p, as_of=dt.date(2025, 3, 10), grade=grade, appraisal_date=appraised)
        if planned_year:
            renovation(p, year=planned_year, status=status)
        return h
    return build


BUILT = {"completed_on": dt.date(2025, 5, 1), "started_on": dt.date(2025, 3, 1)}
ACCEPTED = {**BUILT, "accepted_on": dt.date(2025, 5, 10), "subsidy": "40000"}


def _dropout(*, found=dt.date(2025, 5, 1), attempts=(), joint=(), **fields):
    def build(sc):
        h = sc.household(kind="脱贫户")
        person(h)
        child = person(h, relation="子", born=dt.date(2011, 9, 1))
        dropout(child, found=found, **fields)
        for on in attempts:
            persuasion(child, on)
        for on in joint:
            persuasion(child, on, joint=True)
        return h
    return build


def _teaching(*visits):
    def build(sc):
        h = sc.household(kind="脱贫户")
        person(h)
        child = person(h, relation="女", born=dt.date(2014, 4, 1))
        for on, hours in visits:
            home_visit(child, on, hours=hours)
        return h
    return build


def _water(**fields):
    """A village's water row (its own region code, so one case per finding)."""
    def build(sc):
        code = f"{sc.villages[0].code[:9]}{next(_places):03d}"
        village_water(code, **fields)
        return code
    return build


def _problem(**fields):
    def build(sc):
        code = f"{sc.villages[0].code[:9]}{next(_places):03d}"
        water_problem(code, **fields)
        return code
    return build


def _patient(**fields):
    def build(sc):
        h = sc.household(kind="脱贫户")
        health_service(person(h), **fields)
        return h
    return build


def _clinic(**fields):
    def build(sc):
        code = f"{sc.villages[0].code[:9]}{next(_places):03d}"
        village_clinic(code, **fields)
        return code
    return build


def _township_clinics(public: int, private: int, *, own_township: bool):
    """Clinics of one township: the scenario's own (whose other clinic cases are all public, and fewer than 10),
    or a township of its own next to it, for the boundary that must not fire."""
    def build(sc):
        county = sc.villages[0].code[:6]
        township = sc.villages[0].code[:9] if own_township else f"{county}{next(_townships)}"
        for i in range(public + private):
            village_clinic(f"{township}{next(_places):03d}", public=i < public)
        return f"{township}000"
    return build


_townships = itertools.count(190)
_illness = itertools.count(1)


def _inspected(**fields):
    def build(sc):
        h = sc.household(kind="监测户")
        inspection(person(h), **fields)
        return h
    return build


def _idle(**fields):
    def build(sc):
        h = sc.household(kind="脱贫户")
        idle_house(person(h), **fields)
        return h
    return build


def _trainings(n: int, *, level: str = "镇级", year: int = 2024):
    """A township of its own with a village's 2024 water row and n trainings held in `year`; the scenario's own
    township (the first) needs the finding for the township-scoped run."""
    def build(sc):
        county = sc.villages[0].code[:6]
        township = f"{county}{next(_townships)}" if n else sc.villages[0].code[:9]
        village_water(f"{township}{next(_places):03d}", year=2024)
        for k in range(n):
            water_training(f"{township}000", dt.date(year, 3 + k, 10), level=level)
        return f"{township}000"
    return build
def _ill(*, kind="脱贫户", **fields):
    def build(sc):
        h = sc.household(kind=kind)
        serious_illness(person(h), **fields)
        return h
    return build


def _illness_rate(treated: int, untreated: int, *, own_township: bool):
    """Serious-illness cases of one township: the scenario's own (its other cases leave it well below 95%), or a
    township of its own (a Region with one village, for the households), for the boundaries."""
    def build(sc):
        if own_township:
            village = sc.villages[0]
        else:
            code = f"{sc.villages[0].code[:6]}{next(_townships)}"
            county = sc.villages[0].parent.parent
            township = make_region(f"{code}000", f"大病乡{code[-3:]}", Level.TOWNSHIP, county)
            village = make_region(f"{code}201", f"大病村{code[-3:]}", Level.VILLAGE, township)
        for i in range(treated + untreated):
            h = builders.household(village, kind="脱贫户", no=f"I{village.code[-6:]}{next(_illness):04d}")
            serious_illness(person(h), treated=None if i >= treated else dt.date(2025, 3, 5))
        return village.code[:9] + "000"
    return build


MAY = dt.date(2025, 5, 1)
ATTEMPTS = (dt.date(2025, 5, 3), dt.date(2025, 5, 10), dt.date(2025, 5, 20))
LATE = (dt.date(2025, 6, 1), dt.date(2025, 6, 5), dt.date(2025, 6, 10))
JOINT = (dt.date(2025, 6, 3), dt.date(2025, 6, 10), dt.date(2025, 6, 17))

CASES = [
    ("HOUSE-NOT-PLANNED", "D grade, no renovation", _appraised("D"), True),
    ("HOUSE-NOT-PLANNED", "C grade, planned this year", _appraised("C", planned_year=2025), False),
    ("HOUSE-NOT-PLANNED", "D grade, only a renovation of an earlier year", _appraised("D", planned_year=2024), True),
    ("HOUSE-NOT-PLANNED", "D grade, application refused", _appraised("D", planned_year=2025, status="不予列入"), True),
    ("HOUSE-NOT-PLANNED", "B grade", _appraised("B"), False),
    ("HOUSE-AREA-LOW", "3 persons 39.99", _house(size=3, floor_area="39.99", **BUILT), True),
    ("HOUSE-AREA-LOW", "3 persons 40", _house(size=3, floor_area="40", **BUILT), False),
    ("HOUSE-AREA-LOW", "5 persons 64.99", _house(size=5, floor_area="64.99", **BUILT), True),
    ("HOUSE-AREA-LOW", "5 persons 65", _house(size=5, floor_area="65", **BUILT), False),
    ("HOUSE-AREA-LOW", "1 person 20", _house(size=1, floor_area="20", **BUILT), False),
    ("HOUSE-AREA-LOW", "completed, no area", _house(**BUILT), True),
    ("HOUSE-AREA-LOW", "repair: no area needed", _house(kind="维修加固", grade="C级", **BUILT), False),
    ("HOUSE-AREA-LOW", "completed after D", _house(floor_area="10", started_on=MAY, completed_on=D + DAY), False),
    ("HOUSE-SUBSIDY-OVER", "repair 18000.01", _house(kind="维修加固", grade="C级", subsidy="18000.01"), True),
    ("HOUSE-SUBSIDY-OVER", "repair 18000", _house(kind="维修加固", grade="C级", subsidy="18000"), False),
    ("HOUSE-SUBSIDY-OVER", "rebuild 50000.01", _house(subsidy="50000.01"), True),
    ("HOUSE-SUBSIDY-OVER", "rebuild 50000", _house(subsidy="50000"), False),
    ("HOUSE-MOVED-IN-EARLY", "moved in before acceptance", _house(moved_in_on=dt.date(2025, 5, 9), **ACCEPTED), True),
    ("HOUSE-MOVED-IN-EARLY", "moved in on acceptance day", _house(moved_in_on=dt.date(2025, 5, 10), **ACCEPTED),
     False),
    ("HOUSE-MOVED-IN-EARLY", "moved in, never accepted", _house(moved_in_on=dt.date(2025, 5, 9), **BUILT), True),
    ("HOUSE-MOVED-IN-EARLY", "moves in after D", _house(moved_in_on=D + DAY, **BUILT), False),
    ("HOUSE-OLD-NOT-DEMOLISHED", "new site, old house stands", _house(kind="选址新建", **ACCEPTED), True),
    ("HOUSE-OLD-NOT-DEMOLISHED", "new site, demolished",
     _house(kind="选址新建", old_house_demolished=True, **ACCEPTED), False),
    ("HOUSE-OLD-NOT-DEMOLISHED", "rebuild on site", _house(**ACCEPTED), False),
    ("HOUSE-SUBSIDY-UNPAID", "accepted D−31, unpaid", _house(**{**ACCEPTED, "accepted_on": D - 31 * DAY}), True),
    ("HOUSE-SUBSIDY-UNPAID", "accepted D−30, unpaid", _house(**{**ACCEPTED, "accepted_on": D - 30 * DAY}), False),
    ("HOUSE-SUBSIDY-UNPAID", "paid in full to the card",
     _house(paid_amount="40000", paid_to_card=True, paid_on=dt.date(2025, 5, 20), **ACCEPTED), False),
    ("HOUSE-SUBSIDY-UNPAID", "paid a cent short",
     _house(paid_amount="39999.99", paid_to_card=True, paid_on=dt.date(2025, 5, 20), **ACCEPTED), True),
    ("HOUSE-SUBSIDY-UNPAID", "paid, not to the card",
     _house(paid_amount="40000", paid_on=dt.date(2025, 5, 20), **ACCEPTED), True),
    ("HOUSE-CLOSED-UNSOLVED", "closed, solved",
     _house(paid_amount="40000", paid_to_card=True, paid_on=dt.date(2025, 5, 20), closed_on=dt.date(2025, 5, 25),
            **ACCEPTED), False),
    ("HOUSE-CLOSED-UNSOLVED", "closed without acceptance", _house(closed_on=dt.date(2025, 5, 25), **BUILT), True),
    ("HOUSE-CLOSED-UNSOLVED", "closed, new site not demolished",
     _house(kind="选址新建", paid_amount="40000", paid_to_card=True, paid_on=dt.date(2025, 5, 20),
            closed_on=dt.date(2025, 5, 25), **ACCEPTED), True),
    ("DROPOUT-PERSUADE-3", "found D−31, two attempts", _dropout(found=D - 31 * DAY, attempts=LATE[:2]), True),
    ("DROPOUT-PERSUADE-3", "found D−31, three attempts", _dropout(found=D - 31 * DAY, attempts=LATE), False),
    ("DROPOUT-PERSUADE-3", "found D−30, none yet", _dropout(found=D - 30 * DAY), False),
    ("DROPOUT-PERSUADE-3", "returned to school", _dropout(found=D - 60 * DAY, status="已复学",
                                                          returned_on=dt.date(2025, 5, 9)), False),
    ("DROPOUT-PERSUADE-3", "reported after two", _dropout(found=MAY, attempts=ATTEMPTS[:2], status="已报联合劝返",
                                                          reported_on=dt.date(2025, 5, 25)), True),
    ("DROPOUT-PERSUADE-3", "reported after three", _dropout(found=MAY, attempts=ATTEMPTS, status="已报联合劝返",
                                                            reported_on=dt.date(2025, 5, 25)), False),
    ("DROPOUT-DEFER-IRREGULAR", "three joint, approved",
     _dropout(found=MAY, attempts=ATTEMPTS, joint=JOINT, status="已批准延缓入学或休学", reported_on=dt.date(2025, 5, 25),
              approved_on=dt.date(2025, 6, 20), approved_by="县人民政府"), False),
    ("DROPOUT-DEFER-IRREGULAR", "two joint",
     _dropout(found=MAY, attempts=ATTEMPTS, joint=JOINT[:2], status="已批准延缓入学或休学",
              reported_on=dt.date(2025, 5, 25), approved_on=dt.date(2025, 6, 20), approved_by="县人民政府"), True),
    ("DROPOUT-DEFER-IRREGULAR", "no approval",
     _dropout(found=MAY, attempts=ATTEMPTS, joint=JOINT, status="已批准延缓入学或休学", reported_on=dt.date(2025, 5, 25)),
     True),
    ("HOME-TEACH-MONTHLY", "two visits of 3 hours in May",
     _teaching((dt.date(2025, 5, 6), 3), (dt.date(2025, 5, 20), 3)), False),
    ("HOME-TEACH-MONTHLY", "one of them 2 hours", _teaching((dt.date(2025, 5, 6), 3), (dt.date(2025, 5, 20), 2)), True),
    ("HOME-TEACH-MONTHLY", "none in May, some in April", _teaching((dt.date(2025, 4, 8), 3)), True),
    ("HOME-TEACH-MONTHLY", "only visits in June", _teaching((dt.date(2025, 6, 3), 3)), False),
    ("HOME-TEACH-MONTHLY", "last visit before March", _teaching((dt.date(2025, 2, 27), 3)), False),
    ("WATER-QUANTITY-LOW", "39.9 L", _water(litres="39.9"), True),
    ("WATER-QUANTITY-LOW", "40 L", _water(litres="40"), False),
    ("WATER-QUANTITY-LOW", "20 L where 20 applies", _water(litres="20", low_rain=True), False),
    ("WATER-QUANTITY-LOW", "19.9 L where 20 applies", _water(litres="19.9", low_rain=True), True),
    ("WATER-QUANTITY-LOW", "a year after D only", _water(litres="10", year=2026), False),
    ("WATER-FETCH-FAR", "piped", _water(), False),
    ("WATER-FETCH-FAR", "10 minutes", _water(fetch_minutes="10", fetch_distance_m="900"), False),
    ("WATER-FETCH-FAR", "11 minutes, 401 m", _water(fetch_minutes="11", fetch_distance_m="401", fetch_height_m="5"),
     True),
    ("WATER-FETCH-FAR", "11 minutes, 400 m and 40 m",
     _water(fetch_minutes="11", fetch_distance_m="400", fetch_height_m="40"), False),
    ("WATER-FETCH-FAR", "11 minutes, 41 m up", _water(fetch_minutes="11", fetch_distance_m="100", fetch_height_m="41"),
     True),
    ("WATER-SHORT-DAYS", "17 days", _water(short_days=17), False),
    ("WATER-SHORT-DAYS", "18 days", _water(short_days=18), True),
    ("WATER-QUALITY", "tested D−365", _water(tested=D - 365 * DAY), False),
    ("WATER-QUALITY", "tested D−366", _water(tested=D - 366 * DAY), True),
    ("WATER-QUALITY", "not up to standard", _water(quality_ok=False), True),
    ("WATER-QUALITY", "never tested", _water(tested=None), True),
    ("WATER-MANAGEMENT", "95%", _water(fee_rate="95"), False),
    ("WATER-MANAGEMENT", "94.99%", _water(fee_rate="94.99"), True),
    ("WATER-MANAGEMENT", "no water manager", _water(manager=""), True),
    ("WATER-PROBLEM-OPEN", "open, deadline D−1", _problem(deadline=D - DAY), True),
    ("WATER-PROBLEM-OPEN", "open, deadline D", _problem(deadline=D), False),
    ("WATER-PROBLEM-OPEN", "closed on D", _problem(deadline=D - 10 * DAY, closed=D), False),
    ("WATER-PROBLEM-OPEN", "closed after D", _problem(deadline=D - 10 * DAY, closed=D + DAY), True),
    ("HEALTH-FOLLOWUP-QUARTER", "followed up on the quarter's first day", _patient(follow_up=dt.date(2025, 1, 1)),
     False),
    ("HEALTH-FOLLOWUP-QUARTER", "last follow-up the day before", _patient(follow_up=dt.date(2024, 12, 31)), True),
    ("HEALTH-FOLLOWUP-QUARTER", "never followed up", _patient(), True),
    ("HEALTH-FOLLOWUP-QUARTER", "signed the day before the quarter", _patient(signed=dt.date(2025, 3, 31)), True),
    ("HEALTH-FOLLOWUP-QUARTER", "signed in the quarter", _patient(signed=dt.date(2025, 4, 1)), False),
    ("HEALTH-FOLLOWUP-QUARTER", "no chronic disease", _patient(disease=""), False),
    ("HEALTH-CHRONIC-UNSIGNED", "unsigned patient", _patient(signed=None), True),
    ("HEALTH-CHRONIC-UNSIGNED", "signed patient", _patient(follow_up=dt.date(2025, 5, 1)), False),
    ("HEALTH-CHRONIC-UNSIGNED", "unsigned, no chronic disease", _patient(signed=None, disease=""), False),
    ("CLINIC-GAP", "no clinic", _clinic(has_clinic=False, area=None, doctors=0), True),
    ("CLINIC-GAP", "no clinic, the township hospital's village", _clinic(has_clinic=False, exempt=True, doctors=0),
     False),
    ("CLINIC-GAP", "clinic without a licensed doctor", _clinic(doctors=0), True),
    ("CLINIC-GAP", "clinic with a doctor", _clinic(), False),
    ("CLINIC-AREA", "79.9 ㎡", _clinic(area="79.9"), True),
    ("CLINIC-AREA", "80 ㎡", _clinic(area="80"), False),
    ("CLINIC-AREA", "no area given", _clinic(area=None), True),
    ("CLINIC-PUBLIC-SHARE", "the township's clinics mostly private", _township_clinics(1, 40, own_township=True),
     True),
    ("CLINIC-PUBLIC-SHARE", "9 of 10 public", _township_clinics(9, 1, own_township=False), False),
    ("CLINIC-PUBLIC-SHARE", "8 of 9 public", _township_clinics(8, 1, own_township=False), True),
    ("HOUSE-REAPPRAISE", "hazard D−31, not appraised", _inspected(on=D - 31 * DAY), True),
    ("HOUSE-REAPPRAISE", "hazard D−30, not appraised", _inspected(on=D - 30 * DAY), False),
    ("HOUSE-REAPPRAISE", "appraised again", _inspected(on=dt.date(2025, 4, 1), appraised=dt.date(2025, 4, 20)), False),
    ("HOUSE-REAPPRAISE", "appraised after D", _inspected(on=dt.date(2025, 4, 1), appraised=D + DAY), True),
    ("IDLE-HOUSE-OCCUPIED", "someone lives in it", _idle(occupied=True), True),
    ("IDLE-HOUSE-OCCUPIED", "empty", _idle(), False),
    ("IDLE-HOUSE-OCCUPIED", "demolished on D", _idle(occupied=True, demolished=D), False),
    ("IDLE-HOUSE-UNWATCHED", "checked D−90", _idle(checked=D - 90 * DAY), False),
    ("IDLE-HOUSE-UNWATCHED", "checked D−91", _idle(checked=D - 91 * DAY), True),
    ("IDLE-HOUSE-UNWATCHED", "no warning sign", _idle(warning=False), True),
    ("IDLE-HOUSE-UNWATCHED", "nobody named to check", _idle(checker=""), True),
    ("IDLE-HOUSE-UNWATCHED", "demolished", _idle(checked=None, demolished=dt.date(2025, 3, 1)), False),
    ("WATER-TRAINING-TOWNSHIP", "no township training", _trainings(0), True),
    ("WATER-TRAINING-TOWNSHIP", "three in 2024", _trainings(3), False),
    ("WATER-TRAINING-TOWNSHIP", "two in 2024", _trainings(2), True),
    ("WATER-TRAINING-TOWNSHIP", "three county sessions only", _trainings(3, level="县级"), True),
    ("WATER-TRAINING-TOWNSHIP", "three, but in 2025", _trainings(3, year=2025), True),
    ("ILLNESS-UNTREATED", "diagnosed D−31, untreated", _ill(diagnosed=D - 31 * DAY, treated=None), True),
    ("ILLNESS-UNTREATED", "diagnosed D−30, untreated", _ill(diagnosed=D - 30 * DAY, treated=None), False),
    ("ILLNESS-UNTREATED", "treated", _ill(), False),
    ("ILLNESS-UNTREATED", "treated after D", _ill(treated=D + DAY), True),
    ("ILLNESS-UNTREATED", "ordinary household", _ill(kind="一般农户", treated=None), False),
    ("ILLNESS-TREAT-RATE", "the township's cases mostly untreated", _illness_rate(0, 3, own_township=True), True),
    ("ILLNESS-TREAT-RATE", "19 of 20 treated", _illness_rate(19, 1, own_township=False), False),
    ("ILLNESS-TREAT-RATE", "18 of 19 treated", _illness_rate(18, 1, own_township=False), True),
]


# --- what follows a warning: 六类对象鉴定, 季度排查, 饮水问题与风险消除 (followup_rule_defs.py) ---------------------

def _six(kind="脱贫户", *, mz=None, zj=False, inspected=False):
    def build(sc):
        h = sc.household(kind=kind, monitoring_type="边缘易致贫户" if kind == "监测户" else None)
        p = person(h)
        if mz:
            fact("mz_assistance", p, as_of=dt.date(2025, 3, 1), category=mz[0], status=mz[1])
        if zj:
            fact("zj_housing", p, as_of=dt.date(2025, 3, 10), grade="B", appraisal_date=dt.date(2025, 3, 1))
        if inspected:
            inspection(p, appraised=inspected)
        return h
    return build


def _screened(*dates, found: int = 0, files: int = 0, own_township: bool = False):
    """A township of its own (a Region with a village and a household), its screening rounds, and dropout files
    found in 2025's first quarter; or the scenario's own township, which records no round."""
    def build(sc):
        if own_township:
            sc.household(kind="脱贫户")
            return sc.villages[0].code[:9] + "000"
        from gonggu.guarantees.models import DropoutFile, DropoutScreening

        code = f"{sc.villages[0].code[:6]}{next(_townships)}"
        county = sc.villages[0].parent.parent
        township = make_region(f"{code}000", f"排查乡{code[-3:]}", Level.TOWNSHIP, county)
        village = make_region(f"{code}201", f"排查村{code[-3:]}", Level.VILLAGE, township)
        h = builders.household(village, kind="脱贫户", no=f"S{code[-6:]}")
        p = person(h)
        for on in dates:
            DropoutScreening.objects.create(region_code=township.code, screened_on=on, screeners="乡教办", schools=4,
                                            children=600, found=found)
        for k in range(files):
            DropoutFile.objects.create(region_code=village.code, household_id=h.pk, id_number=p.id_number,
                                       found_on=dt.date(2025, 2, 10 + k), kind="辍学", status="已复学",
                                       returned_on=dt.date(2025, 3, 1))
        return township.code
    return build


def _eliminated_with_problem(*, closed):
    def build(sc):
        from gonggu.guarantees.models import WaterProblem
        from gonggu.monitoring.tests.factories import CaseFactory

        h = sc.household(kind="监测户")
        person(h)
        CaseFactory(household=h, status="eliminated", eliminated_on=dt.date(2025, 5, 20), elimination_method="稳定消除")
        WaterProblem.objects.create(region_code=h.region_code, household=h, found_on=dt.date(2025, 5, 1),
                                    category="水量", description="入户水管冻裂", deadline=dt.date(2025, 5, 30),
                                    closed_on=closed, evidence="回访" if closed else "")
        return h
    return build


def _own_round(found: int):
    """A round in the scenario's own township this quarter (not the last one) finding more than its dropout cases
    filed; the township still has no round of the last quarter."""
    def build(sc):
        from gonggu.guarantees.models import DropoutScreening

        township = sc.villages[0].code[:9] + "000"
        DropoutScreening.objects.create(region_code=township, screened_on=dt.date(2025, 4, 15), screeners="乡教办",
                                        schools=4, children=600, found=found)
        return township
    return build


Q1_END = dt.date(2025, 3, 31)
CASES += [
    ("HOUSE-SIX-UNAPPRAISED", "脱贫户 never appraised", _six(), True),
    ("HOUSE-SIX-UNAPPRAISED", "监测户 on the 住建 list", _six("监测户", zj=True), False),
    ("HOUSE-SIX-UNAPPRAISED", "低保户 re-appraised on D", _six("一般农户", mz=("低保", "在保"), inspected=D), False),
    ("HOUSE-SIX-UNAPPRAISED", "低保户 re-appraised after D", _six("一般农户", mz=("低保", "在保"), inspected=D + DAY), True),
    ("HOUSE-SIX-UNAPPRAISED", "低保边缘 family", _six("一般农户", mz=("低保边缘", "在保")), True),
    ("HOUSE-SIX-UNAPPRAISED", "低保 stopped", _six("一般农户", mz=("低保", "停保")), False),
    ("HOUSE-SIX-UNAPPRAISED", "ordinary household", _six("一般农户"), False),
    ("DROPOUT-SCREEN-QUARTER", "the scenario's township screened nothing", _screened(own_township=True), True),
    ("DROPOUT-SCREEN-QUARTER", "screened on the quarter's last day", _screened(Q1_END), False),
    ("DROPOUT-SCREEN-QUARTER", "screened the day after the quarter", _screened(Q1_END + DAY), True),
    ("DROPOUT-SCREEN-UNFILED", "two found, two filed", _screened(Q1_END, found=2, files=2), False),
    ("DROPOUT-SCREEN-UNFILED", "two found, one filed", _screened(Q1_END, found=2, files=1), True),
    ("DROPOUT-SCREEN-UNFILED", "the scenario's township found more than filed", _own_round(99), True),
    ("WATER-CASE-ELIMINATED-OPEN", "closed the day after elimination",
     _eliminated_with_problem(closed=dt.date(2025, 5, 21)), True),
    ("WATER-CASE-ELIMINATED-OPEN", "closed on the elimination day",
     _eliminated_with_problem(closed=dt.date(2025, 5, 20)), False),
    ("WATER-CASE-ELIMINATED-OPEN", "never closed", _eliminated_with_problem(closed=None), True),
]
