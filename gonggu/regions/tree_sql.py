"""Writing a checked code list set-based: compare it with the tree in the database, then apply the difference.

The list goes into a temporary table in one bulk insert (COPY on PostgreSQL); every further step is one
statement over whole sets, so the whole country (≈ 665,000 rows) loads in seconds and in little memory:

- new codes are inserted level by level, parents first, each pointing at its parent by code;
- codes whose name, level or parent changed are updated (改名 / 调整隶属);
- codes in the database below the list's top rows that the list leaves out are *missing*: a new year's list
  that drops a village. They are reported; with `remove_missing` they are deleted, unless something still
  points at them (农户 in a village, a user's region …): then the whole load is refused with the counts.

Every change also gets its history row (`simple_history`'s table), written the same set-based way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from gonggu.core.codes import CODE_LENGTH, LEVEL_LABELS, LEVEL_ORDER, PREFIX_LENGTH, Level
from gonggu.core.errors import UserFacingError
from gonggu.dataio.bulk import bulk_insert
from gonggu.dataio.intake import Written

from .models import Region

TMP = "gonggu_region_load"
ROOTS = "gonggu_region_roots"
EXAMPLES = 20
# How people count what still lies in a region that a list removes.
_UNITS = {"household": "户", "person": "人"}


def tree_write(rows: Sequence, *, user, remove_missing: bool = False) -> Written:
    """Apply the checked rows (`RegionRow`s) to the tree; the caller's transaction makes it all or nothing."""
    region = connection.ops.quote_name(Region._meta.db_table)
    history = connection.ops.quote_name(Region.history.model._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    uid = user.pk if user is not None else None
    written = Written()
    with connection.cursor() as cur:
        _load_temp(cur, rows)
        cur.execute(f"UPDATE {TMP} SET region_id = (SELECT r.id FROM {region} r WHERE r.code = {TMP}.code)")
        # Changed: the same code with another name, level or parent.
        cur.execute(
            f"SELECT t.code, r.name, t.name, r.level, t.level, p.code, t.parent_code FROM {TMP} t "
            f"JOIN {region} r ON r.id = t.region_id LEFT JOIN {region} p ON p.id = r.parent_id "
            f"WHERE r.name <> t.name OR r.level <> t.level OR COALESCE(p.code, '') <> COALESCE(t.parent_code, '') "
            "ORDER BY t.code")
        changed = cur.fetchall()
        if changed:
            bulk_insert(f"{TMP}_changed", ["code"], ((c[0],) for c in changed))
            cur.execute(f"UPDATE {TMP} SET changed = 1 WHERE code IN (SELECT code FROM {TMP}_changed)")
        # New codes, parents first.
        for depth in range(len(LEVEL_ORDER)):
            cur.execute(
                f"INSERT INTO {region} (code, name, level, prefix, parent_id, created_at, updated_at, created_by_id, "
                f"updated_by_id) SELECT t.code, t.name, t.level, t.prefix, "
                f"(SELECT p.id FROM {region} p WHERE p.code = t.parent_code), %s, %s, %s, %s FROM {TMP} t "
                "WHERE t.region_id IS NULL AND t.depth = %s ORDER BY t.code", [now, now, uid, uid, depth])
            written.created += max(cur.rowcount, 0)
        if changed:
            cur.execute(
                f"UPDATE {region} SET name = (SELECT t.name FROM {TMP} t WHERE t.code = {region}.code), "
                f"level = (SELECT t.level FROM {TMP} t WHERE t.code = {region}.code), "
                f"prefix = (SELECT t.prefix FROM {TMP} t WHERE t.code = {region}.code), "
                f"parent_id = (SELECT p.id FROM {TMP} t JOIN {region} p ON p.code = t.parent_code "
                f"WHERE t.code = {region}.code), updated_at = %s, updated_by_id = %s "
                f"WHERE id IN (SELECT region_id FROM {TMP} WHERE changed = 1)", [now, uid])
        _history(cur, history, region, "+", now, uid,
                 where=f"r.code IN (SELECT code FROM {TMP} WHERE region_id IS NULL)")
        if changed:
            _history(cur, history, region, "~", now, uid,
                     where=f"r.id IN (SELECT region_id FROM {TMP} WHERE changed = 1)")
        missing = _missing(cur, region)
        removed = 0
        if missing and remove_missing:
            _refuse_if_in_use(missing)
            _history(cur, history, region, "-", now, uid, ids=[m[0] for m in missing])
            for level in reversed(LEVEL_ORDER):
                ids = [m[0] for m in missing if m[3] == level]
                for start in range(0, len(ids), 500):
                    chunk = ids[start:start + 500]
                    cur.execute(f"DELETE FROM {region} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
            removed = len(missing)
        for table in (f"{TMP}_changed", TMP, ROOTS):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
    written.updated = len(changed)
    written.unchanged = len(rows) - written.created - written.updated
    renamed = [c for c in changed if c[1] != c[2]]
    moved = [c for c in changed if c[3] != c[4] or (c[5] or "") != (c[6] or "")]
    depth_counts = Counter(r.depth for r in rows)
    written.report = {
        "by_level": {LEVEL_LABELS[level]: depth_counts[i] for i, level in enumerate(LEVEL_ORDER) if depth_counts[i]},
        "changes": {
            "added": written.created, "renamed": len(renamed), "moved": len(moved),
            "removed": removed, "missing": 0 if removed else len(missing),
            "examples": {
                "renamed": [{"code": c[0], "old": c[1], "new": c[2]} for c in renamed[:EXAMPLES]],
                "moved": [{"code": c[0], "name": c[2], "old_parent": c[5], "new_parent": c[6]} for c in moved[:EXAMPLES]],
                "missing": [{"code": m[1], "name": m[2], "level": LEVEL_LABELS[Level(m[3])]} for m in missing[:EXAMPLES]],
            },
        },
    }
    return written


def _load_temp(cur, rows: Sequence) -> None:
    for table in (f"{TMP}_changed", TMP, ROOTS):
        cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute(f"CREATE TEMPORARY TABLE {TMP} (code varchar(12) PRIMARY KEY, name varchar(100) NOT NULL, "
                "level varchar(10) NOT NULL, depth integer NOT NULL, prefix varchar(12) NOT NULL, "
                "parent_code varchar(12), region_id bigint, changed integer NOT NULL DEFAULT 0)")
    cur.execute(f"CREATE TEMPORARY TABLE {TMP}_changed (code varchar(12) PRIMARY KEY)")
    levels = [level.value for level in LEVEL_ORDER]
    lengths = [PREFIX_LENGTH[level] for level in LEVEL_ORDER]
    bulk_insert(TMP, ["code", "name", "level", "depth", "prefix", "parent_code"],
                ((r.code, r.name, levels[r.depth], r.depth, r.code[:lengths[r.depth]], r.parent) for r in rows))
    cur.execute(f"CREATE INDEX {TMP}_parent ON {TMP} (parent_code)")
    if connection.vendor == "postgresql":
        cur.execute(f"ANALYZE {TMP}")


def _history(cur, history: str, region: str, kind: str, date, user_id, *, where: str = "",
             ids: list[int] | None = None) -> None:
    """One history row (`+` created, `~` changed, `-` deleted) per region, as `simple_history` writes on save."""
    head = (f"INSERT INTO {history} (id, created_at, updated_at, code, name, level, prefix, created_by_id, "
            "updated_by_id, parent_id, history_date, history_change_reason, history_type, history_user_id) "
            "SELECT r.id, r.created_at, r.updated_at, r.code, r.name, r.level, r.prefix, r.created_by_id, "
            f"r.updated_by_id, r.parent_id, %s, NULL, %s, %s FROM {region} r WHERE ")
    if ids is None:
        cur.execute(head + where, [date, kind, user_id])
        return
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        cur.execute(head + f"r.id IN ({', '.join(['%s'] * len(chunk))})", [date, kind, user_id, *chunk])


def _missing(cur, region: str) -> list[tuple]:
    """Regions below the list's top rows that the list leaves out: (id, code, name, level).

    A top row is one whose parent is not in the list (a province, or a county loaded on its own); villages
    have nothing below them.
    """
    cur.execute(f"SELECT t.prefix FROM {TMP} t WHERE t.depth < %s AND (t.parent_code IS NULL OR NOT EXISTS "
                f"(SELECT 1 FROM {TMP} p WHERE p.code = t.parent_code))", [len(LEVEL_ORDER) - 1])
    tops = sorted({prefix for (prefix,) in cur.fetchall()})
    if not tops:
        return []
    cur.execute(f"CREATE TEMPORARY TABLE {ROOTS} (lo varchar(12), hi varchar(12))")
    bulk_insert(ROOTS, ["lo", "hi"], ((p.ljust(CODE_LENGTH, "0"), p.ljust(CODE_LENGTH, "9")) for p in tops))
    cur.execute(
        f"SELECT r.id, r.code, r.name, r.level FROM {region} r JOIN {ROOTS} o ON r.code > o.lo AND r.code <= o.hi "
        f"WHERE NOT EXISTS (SELECT 1 FROM {TMP} t WHERE t.code = r.code) "
        # A region with rows of the list below it (their parent left out of the list) is still there.
        f"AND NOT EXISTS (SELECT 1 FROM {TMP} t WHERE t.code > r.code "
        f"AND t.code <= substr(r.prefix || '{'9' * CODE_LENGTH}', 1, {CODE_LENGTH})) ORDER BY r.code")
    return cur.fetchall()


def _refuse_if_in_use(missing: list[tuple]) -> None:
    """Refuse (rolling the whole load back) when anything still points at a region the list removes."""
    ids = {m[0]: m for m in missing}
    found: list[str] = []
    in_use: set[int] = set()
    for rel in Region._meta.related_objects:
        if rel.related_model is Region:
            continue
        model, field = rel.related_model, rel.field.name
        unit = _UNITS.get(model._meta.model_name, "条")
        id_list = list(ids)
        for start in range(0, len(id_list), 500):
            counts = (model._base_manager.filter(**{f"{field}__in": id_list[start:start + 500]})
                      .values_list(field).annotate(n=Count("pk")).order_by())
            for pk, n in sorted(counts, key=lambda kv: ids[kv[0]][1]):
                _, code, name, _level = ids[pk]
                found.append(f"{name}（{code}）仍有{model._meta.verbose_name} {n} {unit}")
                in_use.add(pk)
    if found:
        shown = "；".join(found[:EXAMPLES])
        more = f"；另有 {len(found) - EXAMPLES} 处" if len(found) > EXAMPLES else ""
        raise UserFacingError(
            f"新的区划代码表撤销了 {len(missing)} 个区划，其中 {len(in_use)} 个仍在使用，"
            f"未导入任何区划：{shown}{more}。请先把这些数据迁到新的区划，或在代码表中保留这些区划。")
