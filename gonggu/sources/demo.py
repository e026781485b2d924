"""Demo department lists: the nine lists of the demo county, written as real files and imported as batches.

The lists are drawn from the demo registry at plausible rates (医保 lists everyone, 民政 a few percent, …),
with the imperfections real lists have: rows about people of other counties (unmatched), a few names
written differently from the registry, number formats and aliases as departments send them, and an
older and a newer 住建 appraisal. Each file is imported through `batch_import` by that department's
demo user, so the demo batches look exactly like real ones.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection

from gonggu.core.codes import code_range
from gonggu.dataio.writers import write_xlsx
from gonggu.registry.demo import make_id_number

from .models import Batch, Fact
from .services import batch_import

OTHER_COUNTY = "410183"  # numbers of people registered elsewhere: valid, never in the demo registry
STUDENT_STAGES = {"小学": "小学", "初中": "初中", "高中": "高中", "中职": "中职"}
# Lists above this size are written as CSV: an .xlsx of a million rows takes minutes to write.
XLSX_LIMIT = 200_000


def _folder(prefix: str) -> Path:
    return Path(settings.DATA_DIR) / "demo" / f"sources-{prefix}"


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((birth.month, birth.day) > (today.month, today.day))


def _misspell(rng: random.Random, name: str) -> str:
    return name[:-1] + rng.choice("明华伟芳军丽强敏") if len(name) > 1 else name + "某"


def _stranger(rng: random.Random, n: int) -> tuple[str, str]:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 25000))
    return make_id_number(OTHER_COUNTY, birth, 1 + 2 * (n % 450)), rng.choice("王李张刘陈杨") + rng.choice("伟芳娜敏静")


def _date_within(rng: random.Random, today: dt.date, days: int) -> dt.date:
    return today - dt.timedelta(days=rng.randint(1, days))


def demo_sources(ctx) -> dict:
    """Write and import the nine lists for the demo county; returns counts for the demo summary."""
    rng = random.Random(f"gonggu-sources-{ctx.seed}")
    today = ctx.today
    prefix = ctx.county.prefix
    low, high = code_range(prefix)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id_number, p.name, p.household_id, p.birth_date, p.labour_ability, p.health, "
            "p.disability_grade, p.school_status, p.medical_insured, p.relation, h.household_type "
            "FROM registry_person p JOIN registry_household h ON h.id = p.household_id "
            "WHERE p.region_code BETWEEN %s AND %s AND p.status = '在册' ORDER BY p.id", [low, high])
        people = cursor.fetchall()
    if not people:
        return {"dept_batches": 0}

    lists: dict[str, list[list]] = {k: [] for k in ("mz_assistance", "yb_enrolment", "yb_expense", "cl_disability",
                                                     "zj_housing_old", "zj_housing", "jy_student", "rs_employment",
                                                     "yj_disaster", "ga_deregistration")}
    heads = {}
    for number, name, hh, birth, labour, health, grade, school, insured, relation, kind in people:
        if isinstance(birth, str):
            birth = dt.date.fromisoformat(birth)
        age = _age(birth, today)
        key = kind in ("脱贫户", "监测户")
        shown = _misspell(rng, name) if rng.random() < 0.003 else name
        if relation == "户主":
            heads[hh] = (number, shown)
        # 民政: 低保/特困/低保边缘 concentrate in key households; some in ordinary ones (ASSIST-NOT-MONITORED).
        if rng.random() < (0.12 if key else 0.012):
            category = rng.choices(["低保", "特困", "低保边缘", "临时救助"], weights=(65, 12, 15, 8))[0]
            status = "在保" if rng.random() < 0.9 else "停保"
            lists["mz_assistance"].append([number, shown, category, status, _date_within(rng, today, 2000)])
        # 医保: everyone; a few gaps, people insured elsewhere, and the enrolment year as departments write it.
        r = rng.random()
        enrolment = "未参保" if r < 0.008 else "中断" if r < 0.013 else "异地参保" if r < 0.04 else "已参保"
        if insured is False and r >= 0.04 and rng.random() < 0.5:
            enrolment = "未参保"
        lists["yb_enrolment"].append([number, shown, enrolment, f"{today.year}年"])
        if rng.random() < (0.18 if health in ("长期慢性病", "患有大病") else 0.06):
            total = round(rng.lognormvariate(8.3, 1.0), 2)
            self_pay = round(total * rng.uniform(0.1, 0.45), 2)
            lists["yb_expense"].append([number, shown, today.year - 1, f"{total:,.2f}", f"{self_pay}元"])
        # 残联: certificates of the registry's disabled members; a few issued recently.
        if health == "残疾" and rng.random() < 0.9:
            issued = _date_within(rng, today, 300) if rng.random() < 0.12 else _date_within(rng, today, 4000)
            lists["cl_disability"].append([number, shown, rng.choice(["肢体", "视力", "听力", "智力", "精神"]),
                                           grade or rng.choice(["三级", "四级"]), issued])
        # 教育: school-age children.
        if 6 <= age <= 17 and school in STUDENT_STAGES:
            r = rng.random()
            status = "辍学" if r < 0.004 else "疑似辍学" if r < 0.012 else "送教上门" if r < 0.016 else \
                "休学" if r < 0.022 else "在校"
            lists["jy_student"].append([number, shown, STUDENT_STAGES[school], status])
        # 人社: working-age people with labour ability.
        if 16 <= age <= 59 and labour in ("普通劳动力", "技能劳动力") and rng.random() < 0.7:
            r = rng.random()
            status = "失业" if r < 0.06 else "返乡未就业" if r < 0.15 else "已就业"
            place = rng.choice(["县内", "省内县外", "省外"]) if status == "已就业" else ""
            months = rng.randint(3, 12) if status == "已就业" else rng.randint(0, 2)
            lists["rs_employment"].append([number, shown, status, place, months])
        # 公安: deaths the registry has not caught up with yet, and people who moved away.
        if rng.random() < (0.02 if age >= 75 else 0.0015):
            reason = "死亡" if age >= 60 or rng.random() < 0.3 else "迁出"
            lists["ga_deregistration"].append([number, shown, reason, _date_within(rng, today, 90)])

    # Household-level lists: 住建 appraisals (an older round and a newer one) and 应急 disaster losses.
    for number, shown in heads.values():
        if rng.random() < 0.05:
            grade = rng.choices("ABCD", weights=(45, 35, 14, 6))[0]
            lists["zj_housing_old"].append([number, shown, grade, _date_within(rng, today, 400)])
            if grade in "CD" and rng.random() < 0.4:
                # Renovated since: the newer appraisal supersedes the older one.
                lists["zj_housing"].append([number, shown, rng.choice("AB"), _date_within(rng, today, 40)])
        elif rng.random() < 0.01:
            lists["zj_housing"].append([number, shown, rng.choices("BCD", weights=(60, 30, 10))[0],
                                        _date_within(rng, today, 40)])
        if rng.random() < 0.02:
            loss = round(rng.lognormvariate(8.5, 0.9), 2)
            lists["yj_disaster"].append([number, shown, rng.choice(["洪涝", "干旱", "冰雹", "大风", "低温冻害"]),
                                         loss, _date_within(rng, today, 330)])

    # Lists always carry some people of other counties (they stay unmatched).
    n = 0
    for rows in lists.values():
        if not rows:
            continue
        template = rows[0]
        for _ in range(max(1, len(rows) // 150)):
            n += 1
            number, name = _stranger(rng, n)
            rows.append([number, name, *template[2:]])
        rng.shuffle(rows)
    # And the usual spreadsheet accident: a number that Excel turned into scientific notation (rejected).
    if lists["rs_employment"]:
        lists["rs_employment"].append(["4.10199E+17", "赵某", "已就业", "省外", 10])

    folder = _folder(prefix)
    folder.mkdir(parents=True, exist_ok=True)
    specs = [
        # (source, list key, file name, header (with the aliases departments use), as-of days before today)
        ("mz_assistance", "mz_assistance", "民政低保特困名单.xlsx", ["身份证号", "姓名", "救助类别", "状态", "起始日期"], 20),
        ("yb_enrolment", "yb_enrolment", "医保参保名单.csv", ["公民身份号码", "姓名", "参保状态", "参保年度"], 25),
        ("yb_expense", "yb_expense", "医保费用名单.xlsx", ["身份证号码", "姓名", "年度", "医疗总费用", "个人自付"], 25),
        ("cl_disability", "cl_disability", "残联持证名单.xlsx", ["身份证号", "姓名", "残疾类别", "残疾等级", "发证日期"], 30),
        ("zj_housing", "zj_housing_old", "住建农房鉴定（上年度）.xlsx", ["户主身份证号", "户主姓名", "鉴定等级", "鉴定日期"], 200),
        ("zj_housing", "zj_housing", "住建农房鉴定.xlsx", ["户主身份证号", "户主姓名", "鉴定等级", "鉴定日期"], 15),
        ("jy_student", "jy_student", "教育学籍名单.xlsx", ["身份证号", "姓名", "学段", "就学状态"], 18),
        ("rs_employment", "rs_employment", "人社就业名单.xlsx", ["身份证号", "姓名", "就业状态", "务工地点", "务工月数"], 22),
        ("yj_disaster", "yj_disaster", "应急受灾名单.xlsx", ["身份证号", "姓名", "灾害类型", "损失金额", "受灾日期"], 16),
        ("ga_deregistration", "ga_deregistration", "公安户籍注销名单.xlsx", ["身份证号", "姓名", "注销原因", "注销日期"], 14),
    ]
    users = {s: ctx.users.get(f"bumen_{s.split('_')[0]}") for s in {s[0] for s in specs}}
    batches = rows_read = 0
    for source, key, file_name, header, days in specs:
        rows = lists[key]
        if not rows:
            continue
        path = folder / file_name
        if path.suffix == ".xlsx" and len(rows) > XLSX_LIMIT:
            path = path.with_suffix(".csv")
        if path.suffix == ".csv":
            import csv

            with path.open("w", encoding="utf-8-sig", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(header)
                writer.writerows([[v.isoformat() if isinstance(v, dt.date) else v for v in row] for row in rows])
        else:
            path.write_bytes(write_xlsx([(file_name.split(".")[0][:31], header, rows)],
                                        text_columns={header[0]}))
        result = batch_import(source=source, path=path, file_label=file_name if path.suffix == ".xlsx" else path.name,
                              as_of=today - dt.timedelta(days=days), user=users.get(source),
                              region_code=ctx.county.code)
        batches += 1
        rows_read += result.rows
    return {"dept_batches": batches, "dept_rows": rows_read}


def demo_clear(*, prefix: str) -> None:
    """Remove the demo county's batches, their facts and rejected rows, and the demo files."""
    low, high = code_range(prefix)
    batches = Batch.objects.filter(region_code__range=(low, high))
    Fact.objects.filter(batch__in=batches).delete()
    batches.delete()  # their intake issues go with them
    shutil.rmtree(_folder(prefix), ignore_errors=True)
