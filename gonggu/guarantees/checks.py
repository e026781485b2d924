"""Checks across one row's values that a single column cannot make: the order of a procedure's dates, a
child's age on the day of a visit, a water figure outside what can be true. The import rejects such rows into
the 退回表 and the entry form refuses them, each with the reason in Chinese (one row at a time, through `per_row` as the kind's `check_rows`)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from .models import RenovationStatus
from .workflow import SCHOOL_AGE, age_on, born_on

Problems = list[tuple[str, str]]

RENOVATION_DATES = (
    ("applied_on", "申请日期"), ("village_reviewed_on", "村级评议日期"), ("township_reviewed_on", "乡镇审核日期"),
    ("county_approved_on", "县级审批日期"), ("started_on", "开工日期"), ("completed_on", "竣工日期"),
    ("accepted_on", "竣工验收合格日期"), ("paid_on", "补助拨付日期"), ("closed_on", "销号日期"),
)
# The date each status needs: a row at a step has the dates of every step before it.
_STATUS_NEEDS = {
    RenovationStatus.VILLAGE: 1, RenovationStatus.TOWNSHIP: 2, RenovationStatus.APPROVED: 3,
    RenovationStatus.BUILDING: 4, RenovationStatus.COMPLETED: 5, RenovationStatus.RECTIFYING: 5,
    RenovationStatus.ACCEPTED: 6, RenovationStatus.PAID: 7, RenovationStatus.CLOSED: 8,
}


def _in_order(values: dict, dates: tuple[tuple[str, str], ...]) -> Problems:
    today = timezone.localdate()
    problems: Problems = []
    last = None
    for name, label in dates:
        on = values.get(name)
        if on is None:
            continue
        if on > today:
            problems.append((name, f"{label}（{on:%Y-%m-%d}）晚于今天"))
        if last is not None and on < last[1]:
            problems.append((name, f"{label}（{on:%Y-%m-%d}）早于{last[2]}（{last[1]:%Y-%m-%d}），日期顺序不对"))
        last = (name, on, label)
    return problems


def renovation_check(values: dict, id_number: str = "") -> Problems:
    problems = _in_order(values, RENOVATION_DATES)
    size = values.get("household_size")
    if size is not None and size < 1:
        problems.append(("household_size", "户人口数至少为 1"))
    area = values.get("floor_area")
    if area is not None and not Decimal(0) < area <= Decimal(1000):
        problems.append(("floor_area", f"建筑面积 {area}㎡ 不在 0–1000㎡ 之间，请核对"))
    needs = _STATUS_NEEDS.get(values.get("status"), 0)
    missing = [label for name, label in RENOVATION_DATES[1:needs + 1] if values.get(name) is None]
    if missing:
        problems.append(("status", f"办理环节为「{values.get('status')}」，但缺少{'、'.join(missing)}"))
    if values.get("moved_in_on") and values.get("completed_on") and values["moved_in_on"] < values["completed_on"]:
        problems.append(("moved_in_on", "入住日期早于竣工日期，请核对"))
    return problems


def dropout_check(values: dict, id_number: str = "") -> Problems:
    dates = (("found_on", "发现日期"), ("reported_on", "报联合劝返工作组日期"), ("approved_on", "延缓入学或休学批准日期"),
             ("closed_on", "销号日期"))
    problems = _in_order(values, dates)
    returned = values.get("returned_on")
    if returned and values.get("found_on") and returned < values["found_on"]:
        problems.append(("returned_on", "复学日期早于发现日期"))
    return problems


def persuasion_check(values: dict, id_number: str = "") -> Problems:
    return _in_order(values, (("persuaded_on", "劝返日期"),))


def home_teaching_check(values: dict, id_number: str = "") -> Problems:
    """送教上门 serves children of 6–15 (004 任务15) with visits of class hours (001 一(二)4: 每次3个课时)."""
    problems = _in_order(values, (("visited_on", "送教日期"),))
    on, born = values.get("visited_on"), born_on(id_number)
    if on and born:
        age = age_on(born, on)
        low, high = SCHOOL_AGE
        if not low <= age <= high:
            problems.append(("visited_on", f"送教上门的对象为{low}-{high}周岁的义务教育阶段儿童少年，"
                                           f"该生在送教日（{on:%Y-%m-%d}）为 {age} 周岁"))
    hours = values.get("class_hours")
    if hours is not None and not 1 <= hours <= 8:
        problems.append(("class_hours", f"课时数 {hours} 不在 1–8 之间，请核对"))
    return problems


# What a water figure can be: outside these it is a typing slip, not a finding.
WATER_RANGES = {
    "litres_per_day": ("人均日供水量", Decimal(1), Decimal(1000), "升"),
    "fetch_minutes": ("取水往返时间", Decimal(0), Decimal(600), "分钟"),
    "fetch_distance_m": ("取水水平距离", Decimal(0), Decimal(20000), "米"),
    "fetch_height_m": ("取水垂直距离", Decimal(0), Decimal(2000), "米"),
    "short_days": ("全年缺水天数", 0, 366, "天"),
    "fee_rate": ("水费收缴率", Decimal(0), Decimal(100), "%"),
}


def water_check(values: dict, id_number: str = "") -> Problems:
    problems = _in_order(values, (("quality_tested_on", "最近水质检测日期"),))
    for name, (label, low, high, unit) in WATER_RANGES.items():
        value = values.get(name)
        if value is not None and not low <= value <= high:
            problems.append((name, f"{label} {value}{unit} 超出可能的范围（{low}–{high}{unit}），请核对"))
    year = values.get("year")
    if year is not None and not 2015 <= year <= timezone.localdate().year:
        problems.append(("year", f"年度 {year} 不对"))
    return problems


def water_problem_check(values: dict, id_number: str = "") -> Problems:
    problems = _in_order(values, (("found_on", "发现日期"), ("closed_on", "销号日期")))
    if values.get("deadline") and values.get("found_on") and values["deadline"] < values["found_on"]:
        problems.append(("deadline", "整改时限早于发现日期"))
    if values.get("closed_on") and not (values.get("evidence") or "").strip():
        problems.append(("evidence", "销号须填写销号佐证（整改照片、检测报告或回访记录）"))
    return problems


def water_problem_rows(rows: list[dict]) -> dict[int, Problems]:
    """The one-row checks, and the household a problem of one household is about: its number must be a member's of
    a household in the row's village. The household is set on the row (import and form alike), so the problem
    shows on the household page and on its monitoring record."""
    from gonggu.core.idnumber import InvalidIdNumber, normalize
    from gonggu.registry.models import Person

    found: dict[int, Problems] = {}
    numbers: dict[int, str] = {}
    for index, row in enumerate(rows):
        problems = water_problem_check(row)
        given = (row.get("household_id_number") or "").strip()
        if given:
            try:
                numbers[index] = normalize(given)
            except InvalidIdNumber as exc:
                problems.append(("household_id_number", f"涉及农户身份证号有误：{exc}"))
        if problems:
            found[index] = problems
    members = {p.id_number: p for p in Person.objects.filter(id_number__in=set(numbers.values()))
               .select_related("household")}
    for index, row in enumerate(rows):
        row["household"] = None
        if index not in numbers:
            continue
        person = members.get(numbers[index])
        if person is None or person.region_code != row.get("region_code"):
            found.setdefault(index, []).append(
                ("household_id_number", "涉及农户身份证号不在该村的农户台账中：请核对号码，或先在农户台账中登记"))
        else:
            row["household"] = person.household
    return found


def health_check(values: dict, id_number: str = "") -> Problems:
    problems = _in_order(values, (("signed_on", "签约日期"),))
    problems += _in_order(values, (("last_follow_up_on", "最近一次随访日期"),))
    if values.get("signed_on") and values.get("year") and values["signed_on"].year != values["year"]:
        problems.append(("signed_on", f"签约日期（{values['signed_on']:%Y-%m-%d}）不在签约年度 {values['year']} 年内"))
    if values.get("signed_on") and not (values.get("doctor") or "").strip():
        problems.append(("doctor", "已签约的请填写签约家庭医生"))
    return problems


def clinic_check(values: dict, id_number: str = "") -> Problems:
    problems: Problems = []
    area = values.get("building_area")
    if area is not None and not Decimal(0) < area <= Decimal(2000):
        problems.append(("building_area", f"业务用房建筑面积 {area}㎡ 超出可能的范围（0–2000㎡），请核对"))
    if values.get("has_clinic") is False and (values.get("licensed_doctors") or 0) > 0:
        problems.append(("licensed_doctors", "未设村卫生室的村不应登记在村卫生室执业的村医"))
    return problems


def inspection_check(values: dict, id_number: str = "") -> Problems:
    problems = _in_order(values, (("inspected_on", "排查日期"), ("appraised_on", "重新鉴定日期")))
    if bool(values.get("appraised_on")) != bool(values.get("appraisal_grade")):
        problems.append(("appraisal_grade", "重新鉴定日期和重新鉴定等级须同时填写"))
    return problems


def idle_house_check(values: dict, id_number: str = "") -> Problems:
    problems = _in_order(values, (("listed_on", "登记日期"), ("last_checked_on", "最近查看日期")))
    problems += _in_order(values, (("listed_on", "登记日期"), ("demolished_on", "拆除日期")))
    if values.get("occupied") and values.get("demolished_on"):
        problems.append(("occupied", "已拆除的房屋不能登记为有人居住"))
    return problems


def training_check(values: dict, id_number: str = "") -> Problems:
    problems = _in_order(values, (("held_on", "培训日期"),))
    if values.get("trainees") is not None and values["trainees"] < 1:
        problems.append(("trainees", "参训人数至少为 1"))
    return problems


def illness_check(values: dict, id_number: str = "") -> Problems:
    return _in_order(values, (("diagnosed_on", "确诊日期"), ("treated_on", "救治日期")))


def screening_check(values: dict, id_number: str = "") -> Problems:
    """A screening round is a township's: its date not in the future, its code a township's."""
    problems = _in_order(values, (("screened_on", "排查日期"),))
    code = values.get("region_code") or ""
    if len(code) != 12 or code[9:] != "000" or code[6:9] == "000":
        problems.append(("screened_on", f"疑似辍学排查按乡镇登记：区划代码 {code} 不是乡镇的代码"))
    if values.get("found") and values.get("children") is not None and values["found"] > values["children"]:
        problems.append(("found", "发现的辍学人数多于排查的适龄儿童少年人数"))
    return problems
