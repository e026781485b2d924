"""Building registry files for the import tests (no tests here)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from pathlib import Path

from gonggu.core.idnumber import check_digit
from gonggu.registry.spec import REGISTRY_SPEC

VILLAGE = "410122100201"     # 东村 of the shared `regions` fixture (county 410122)
VILLAGE_B = "410122100202"   # 西村
OTHER_VILLAGE = "410181100201"  # 孝南村, another county
_seq = itertools.count(1)


def id_number(born: dt.date | None = None, *, male: bool = True, area: str = "410122", seq: int | None = None) -> str:
    """A valid number, different on every call (birth dates step through 1950–2004)."""
    n = next(_seq) if seq is None else seq
    step = n if born else n // 20000
    born = born or dt.date(1950, 1, 1) + dt.timedelta(days=n % 20000)
    first17 = f"{area}{born:%Y%m%d}{(step * 2 + (1 if male else 0)) % 1000:03d}"
    return first17 + check_digit(first17)


def person(household_no: str = "H001", *, relation: str = "配偶", village: str = VILLAGE, **cells) -> dict:
    row = {
        "行政区划代码": village, "户编号": household_no, "户类型": "脱贫户", "与户主关系": relation,
        "姓名": cells.pop("name", "张某"), "身份证号": cells.pop("id", None) or id_number(),
        "劳动能力": "普通劳动力", "健康状况": "健康", "是否参加基本医疗保险": "是", "是否易地搬迁": "否", "收入年度": "2024",
    }
    if relation == "户主":
        row.update({"工资性收入": "20000", "生产经营性收入": "5000", "财产性收入": "0", "转移性收入": "3000",
                    "生产经营性支出": "1000"})
    row.update(cells)
    return row


def head(household_no: str = "H001", **cells) -> dict:
    return person(household_no, relation="户主", **cells)


def household(household_no: str, size: int = 3, **cells) -> list[dict]:
    relations = ["配偶", "子", "女", "孙子", "孙女", "父亲", "母亲"] + ["其他"] * max(size, 0)
    return [head(household_no, **cells)] + [person(household_no, relation=r, **cells) for r in relations[: size - 1]]


def csv_text(rows: list[dict], header: list[str] | None = None) -> str:
    header = header or REGISTRY_SPEC.names
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue()


def write_csv(folder: Path, rows: list[dict], *, name: str = "registry.csv", encoding: str = "utf-8",
              header: list[str] | None = None) -> Path:
    path = Path(folder) / name
    path.write_text(csv_text(rows, header), encoding=encoding)
    return path


def issues(result, column: str | None = None) -> list[dict]:
    return [r for r in result.rejected if column is None or r.column == column]


def rejected_rows(result) -> set[int]:
    return {r.row for r in result.rejected}
