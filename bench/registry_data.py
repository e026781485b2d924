"""Plausible synthetic registry files (formats.md `registry`) for benchmarks and tests of scale."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from gonggu.core.idnumber import check_digit
from gonggu.registry.spec import REGISTRY_SPEC

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰红梅玉华建国志文斌宇浩然子涵欣怡梓轩诗雨俊豪嘉琪"
AREAS = ("410122", "410198", "410102", "411421", "412723")
LABOUR = ("普通劳动力", "普通劳动力", "普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
HEALTH = ("健康",) * 7 + ("长期慢性病", "长期慢性病", "患有大病", "残疾")
TYPES = ("脱贫户",) * 3 + ("一般农户",) * 6 + ("监测户",)
MONITOR = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
PLACES = ("县内", "省内县外", "省外")


class IdFactory:
    """Unique, valid identity numbers: a per (area, birth date) sequence keeps them distinct."""

    def __init__(self):
        self.used: dict[tuple[str, dt.date], int] = {}

    def make(self, rng: random.Random, born: dt.date, male: bool) -> str:
        area = rng.choice(AREAS)
        n = self.used.get((area, born), 0)
        self.used[(area, born)] = n + 1
        # Three-digit sequence, odd for men; 500 numbers per sex and day and area.
        seq = (n * 2 + (1 if male else 0)) % 1000
        first17 = f"{area}{born:%Y%m%d}{seq:03d}"
        return first17 + check_digit(first17)


def _name(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _born(rng: random.Random, year_from: int, year_to: int) -> dt.date:
    start = dt.date(year_from, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, dt.date(year_to, 12, 28).toordinal()))


def household_rows(rng: random.Random, ids: IdFactory, *, village: str, number: str, year: int) -> list[list[str]]:
    htype = rng.choice(TYPES)
    monitor = rng.choice(MONITOR) if htype == "监测户" else ""
    relocated = "是" if rng.random() < 0.05 else "否"
    surname = rng.choice(SURNAMES)
    size = max(1, min(8, round(rng.gauss(3.3, 1.4))))
    head_born = _born(rng, 1945, 1990)
    members: list[tuple[str, dt.date, bool, str]] = [("户主", head_born, rng.random() < 0.85, _name(rng, surname))]
    for i in range(1, size):
        if i == 1:
            members.append(("配偶", _born(rng, head_born.year - 3, min(head_born.year + 5, 2000)),
                            not members[0][2], _name(rng)))
        elif i <= 4:
            male = rng.random() < 0.5
            members.append(("子" if male else "女", _born(rng, max(head_born.year + 20, 1965), 2022), male,
                            _name(rng, surname)))
        else:
            male = rng.random() < 0.5
            members.append(("孙子" if male else "孙女", _born(rng, 2005, 2023), male, _name(rng, surname)))
    wage = rng.choice((0, 0, rng.randint(5000, 60000)))
    business = rng.randint(0, 30000)
    transfer = rng.randint(0, 8000)
    prop = rng.choice((0, 0, 0, rng.randint(100, 3000)))
    expense = rng.randint(0, max(1, business // 3))
    rows = []
    for relation, born, male, name in members:
        age = year - born.year
        is_head = relation == "户主"
        school = ""
        if 3 <= age <= 22:
            school = ("学前教育" if age < 6 else "小学" if age < 12 else "初中" if age < 15 else "高中" if age < 18
                      else rng.choice(("大学", "高职", "非在校生")))
        labour = "无劳动力" if age < 16 else rng.choice(LABOUR)
        health = rng.choice(HEALTH)
        grade = str(rng.randint(1, 4)) if health == "残疾" else ""
        months = str(rng.randint(0, 12)) if 16 <= age <= 60 and labour in LABOUR[:4] else ""
        place = rng.choice(PLACES) if months and months != "0" else ""
        rows.append([
            village, number, htype, monitor, relation, name, ids.make(rng, born, male), labour, health, grade, school,
            months, place, "是" if rng.random() < 0.97 else "否", relocated, str(year),
            *((f"{wage:,}", f"{business}.50", str(prop), f"{transfer}元", str(expense)) if is_head
              else ("", "", "", "", "")),
        ])
    return rows


def write_registry_csv(path: str | Path, *, persons: int, villages: list[str], year: int = 2024, seed: int = 7,
                       encoding: str = "utf-8") -> dict:
    """Write about `persons` person rows (whole households) spread over `villages`; returns counts."""
    rng = random.Random(seed)
    ids = IdFactory()
    written = households = 0
    with Path(path).open("w", encoding=encoding, newline="") as f:
        out = csv.writer(f)
        out.writerow(REGISTRY_SPEC.names)
        while written < persons:
            village = villages[households % len(villages)]
            rows = household_rows(rng, ids, village=village, number=f"{village[6:]}{households:07d}", year=year)
            rows = rows[: persons - written]
            out.writerows(rows)
            written += len(rows)
            households += 1
    return {"persons": written, "households": households}


def main() -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser(description="写出一个合成的农户台账 CSV")
    parser.add_argument("--persons", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--villages", required=True, help="逗号分隔的村级区划代码")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--encoding", default="utf-8")
    args = parser.parse_args()
    counts = write_registry_csv(args.out, persons=args.persons, villages=args.villages.split(","), year=args.year,
                                seed=args.seed, encoding=args.encoding)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
