"""Administrative division codes (行政区划代码): 12 digits, levels by prefix length.

A region's *prefix* is the part of its code that all codes below it share:
省 2 digits, 市 4, 县 6, 乡 9, 村 12. Scoping a query to a region is a range
condition on a 12-digit code column, which a plain B-tree index serves on
SQLite and PostgreSQL alike (unlike LIKE 'prefix%' under a non-C collation).
"""

from enum import StrEnum


class Level(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


LEVEL_LABELS = {
    Level.PROVINCE: "省",
    Level.CITY: "市",
    Level.COUNTY: "县",
    Level.TOWNSHIP: "乡",
    Level.VILLAGE: "村",
}
LEVEL_BY_LABEL = {label: level for level, label in LEVEL_LABELS.items()}
# Accept the longer names people write in spreadsheets too.
LEVEL_BY_LABEL.update({"省级": Level.PROVINCE, "市级": Level.CITY, "地市": Level.CITY, "县级": Level.COUNTY,
                       "区县": Level.COUNTY, "乡镇": Level.TOWNSHIP, "乡级": Level.TOWNSHIP, "镇": Level.TOWNSHIP,
                       "街道": Level.TOWNSHIP, "村级": Level.VILLAGE, "社区": Level.VILLAGE, "行政村": Level.VILLAGE})
PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
LEVEL_ORDER = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]
CODE_LENGTH = 12


def parent_level(level: Level) -> Level | None:
    i = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[i - 1] if i else None


def prefix_of(code: str, level: Level) -> str:
    return code[: PREFIX_LENGTH[level]]


def code_range(prefix: str) -> tuple[str, str]:
    """The inclusive range of 12-digit codes that start with `prefix`."""
    return prefix.ljust(CODE_LENGTH, "0"), prefix.ljust(CODE_LENGTH, "9")


def in_scope_q(field: str, prefix: str | None):
    """A Q object restricting `field` (a 12-digit code column) to codes under `prefix`.

    `prefix=None` means no restriction (system administrators).
    """
    from django.db.models import Q

    if prefix is None:
        return Q()
    if len(prefix) == CODE_LENGTH:
        return Q(**{field: prefix})
    return Q(**{f"{field}__range": code_range(prefix)})


def code_in_prefix(code: str, prefix: str | None) -> bool:
    return prefix is None or code.startswith(prefix)
