"""Villages found by name: 县 / 乡(镇) / 行政村 as other systems' exports write them instead of a code.

The national 防返贫监测信息系统 exports its lists without region codes: every row names its county, township
and village. Imports resolve those names against the loaded region tree, once per distinct combination in the
file (a county has a few hundred villages, a file a few thousand rows per village), within the importer's
scope. A name that is unknown, or that two villages of the same county share when the township does not tell
them apart, is a problem of the rows that carry it, with a reason naming it.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from gonggu.core.codes import Level, in_scope_q

from .models import Region

NameKey = tuple[str | None, str | None, str | None]


def clean_name(text: object) -> str:
    """Full-width folded, blanks removed: `' 新 村 '` == `'新村'`."""
    if text is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def villages_by_names(names: Iterable[NameKey], *, scope_prefix: str | None) -> dict[NameKey, tuple[str | None, str]]:
    """For each (county, township, village) name triple: (the village's 12-digit code, "") or (None, the reason).

    The county may be blank when the scope is one county (a county office's own export); the township may be
    blank when the village's name is unique in its county.
    """
    wanted = {key: tuple(clean_name(n) for n in key) for key in set(names)}
    scoped = Region.objects.filter(in_scope_q("code", scope_prefix)) if scope_prefix else Region.objects.all()
    county_names = {c for c, _t, _v in wanted.values() if c}
    counties: dict[str, list[Region]] = defaultdict(list)
    for region in scoped.filter(level=Level.COUNTY, name__in=county_names).only("code", "name"):
        counties[clean_name(region.name)].append(region)
    own_county = None
    if scope_prefix and len(scope_prefix) >= 6:
        own_county = Region.objects.filter(code=scope_prefix[:6].ljust(12, "0")).only("code", "name").first()

    needed = {r.code[:6] for found in counties.values() for r in found}
    if own_county is not None:
        needed.add(own_county.code[:6])
    towns: dict[tuple[str, str], list[str]] = defaultdict(list)      # (county prefix, name) → township prefixes
    town_names: dict[str, str] = {}                                   # township prefix → name
    villages: dict[tuple[str, str], list[str]] = defaultdict(list)   # (county prefix, name) → village codes
    for prefix in needed:
        for code, name, level in scoped.filter(code__startswith=prefix,
                                               level__in=(Level.TOWNSHIP, Level.VILLAGE)).values_list(
                "code", "name", "level"):
            if level == Level.TOWNSHIP:
                towns[(prefix, clean_name(name))].append(code[:9])
                town_names[code[:9]] = name
            else:
                villages[(prefix, clean_name(name))].append(code)

    result: dict[NameKey, tuple[str | None, str]] = {}
    for key, (county, town, village) in wanted.items():
        raw_county, raw_town, raw_village = (str(n).strip() if n is not None else "" for n in key)
        if not village:
            result[key] = (None, "行政村为空：请填写行政村名称或行政区划代码")
            continue
        if county:
            found = counties.get(county, [])
            if not found:
                where = "您的管辖范围内" if scope_prefix else "系统中"
                result[key] = (None, f"{where}没有县（市、区）「{raw_county}」（请核对名称，或先导入行政区划）")
                continue
            if len(found) > 1:
                codes = "、".join(r.code[:6] for r in found)
                result[key] = (None, f"县（市、区）「{raw_county}」有 {len(found)} 个（{codes}），请改填行政区划代码")
                continue
            county_region = found[0]
        elif own_county is not None:
            county_region = own_county
        else:
            result[key] = (None, "县（市、区）为空：您的管辖范围不止一个县，请填写县名称或行政区划代码")
            continue
        prefix = county_region.code[:6]
        candidates = villages.get((prefix, village), [])
        if town:
            town_prefixes = towns.get((prefix, town), [])
            if not town_prefixes:
                result[key] = (None, f"{county_region.name}没有乡（镇）「{raw_town}」（请核对名称，或先导入行政区划）")
                continue
            candidates = [c for c in candidates if c[:9] in town_prefixes]
        place = county_region.name + (raw_town if town else "")
        if not candidates:
            result[key] = (None, f"{place}没有行政村「{raw_village}」（请核对名称，或先导入行政区划）")
        elif len(candidates) > 1:
            where = "、".join(f"{town_names.get(c[:9], c[:9])}（{c}）" for c in sorted(candidates))
            hint = "请改填行政区划代码" if town else "请填写乡（镇）或改填行政区划代码"
            result[key] = (None, f"行政村「{raw_village}」在{place}有 {len(candidates)} 个：{where}，{hint}")
        else:
            result[key] = (candidates[0], "")
    return result
