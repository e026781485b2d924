"""Matching unit names as documents write them to the units directory.

Names are compared on a key: full-width characters folded (NFKC) and all blanks removed,
because the scans break names with spaces ("住 建局", "县 卫健局"). A key that names exactly
one unit, by its name or one of its aliases, is mapped automatically; a key that names
no unit, or several, waits for a person.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from gonggu.core.codes import in_scope_q

from .models import Unit, UnitAlias, UnitKind


def unit_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def unit_lookup(prefix: str | None) -> dict[str, set[int]]:
    """key → ids of the active units under `prefix` that carry it (two queries)."""
    found: dict[str, set[int]] = defaultdict(set)
    for unit_id, key in Unit.objects.filter(in_scope_q("region_code", prefix), is_active=True).values_list("id", "key"):
        found[key].add(unit_id)
    aliases = UnitAlias.objects.filter(in_scope_q("region_code", prefix), unit__is_active=True)
    for unit_id, key in aliases.values_list("unit_id", "key"):
        found[key].add(unit_id)
    return found


def match_units(keys: set[str], prefix: str | None) -> dict[str, int]:
    """The keys that name exactly one unit, with that unit's id."""
    lookup = unit_lookup(prefix)
    return {key: next(iter(lookup[key])) for key in keys if len(lookup.get(key, ())) == 1}


def guess_kind(name: str) -> str:
    """The likely kind of a unit from its name (a suggestion on the confirmation page)."""
    if name.endswith(("镇", "乡", "街道", "党委政府", "人民政府", "乡镇")) or "乡镇" in name:
        return UnitKind.TOWNSHIP
    if "工作队" in name or "第一书记" in name:
        return UnitKind.VILLAGE_TEAM
    return UnitKind.DEPARTMENT


def guess_region(region, name: str, kind: str | None, children=None):
    """A township unit sits in its township when the name starts with the township's name."""
    if kind == UnitKind.TOWNSHIP:
        for township in (children if children is not None else region.children.all()):
            if name.startswith(township.name):
                return township
    return region


# "各乡镇" and its spellings: every township of the county, named collectively (kept as written on the task).
_TOWNSHIPS_COLLECTIVE = re.compile(
    r"^各(?:乡镇|鄉鎮|镇|鎮|乡|鄉)(?:[（(](?:街道|乡镇|镇|乡|鄉鎮)[)）])?(?:街道)?"
    r"(?:党委政府|党委、政府|黨委政府|人民政府|政府|党委)?$")


def is_townships_collective(name: str) -> bool:
    """Whether a unit name written on a task means every township (各乡镇, 各乡镇（街道）, 各镇党委政府 …)."""
    return bool(_TOWNSHIPS_COLLECTIVE.match(unit_key(name)))
