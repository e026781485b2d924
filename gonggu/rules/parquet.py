"""Parquet snapshots: the run's tables written once, partitioned by county, for Spark (or a later run).

Layout under the snapshot root (a local path, or a URI pyarrow opens: hdfs://, s3://, gs://):

    <root>/_gonggu_snapshot.json                      manifest, written last
    <root>/<table>/county=<6-digit code>/part-0.parquet

Every table has a file in every county's partition (an empty county's file holds no rows but the
schema), so a cluster reads a county's rows in parallel with the others and a missing partition can
be told apart from an empty one. The tables are pulled county by county, so the memory the driver
needs is one county's, not the province's. The manifest lists the tables with their columns and the
rows of each partition; `snapshot_open` checks every file against it before anything is evaluated, so
a damaged snapshot is refused with the partition named instead of giving silently smaller results.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import posixpath
from dataclasses import dataclass

import pyarrow.fs as pafs
import pyarrow.parquet as pq
from django.db import connection

from gonggu.core.errors import UserFacingError

from .snapshot import build_tables, scope_sql

MANIFEST = "_gonggu_snapshot.json"
FORMAT = 1
COUNTY_DIGITS = 6
log = logging.getLogger("gonggu.rules")


def _filesystem(root: str) -> tuple[pafs.FileSystem, str]:
    """The filesystem and the path within it; a plain path is local (made absolute)."""
    if "://" in root and not root.startswith("file://"):
        try:
            return pafs.FileSystem.from_uri(root)
        except Exception as exc:  # pyarrow raises several types (ArrowInvalid, OSError) for bad or unreachable URIs
            raise UserFacingError(f"无法打开快照位置 {root}：{exc}") from None
    path = root[len("file://"):] if root.startswith("file://") else root
    return pafs.LocalFileSystem(), os.path.abspath(path)


def uri_of(root: str) -> str:
    """The snapshot root as a URI Spark reads (file:///… for a local path)."""
    fs, path = _filesystem(root)
    return "file://" + path if isinstance(fs, pafs.LocalFileSystem) else root.rstrip("/")


def counties(prefix: str | None) -> list[str]:
    """The county partitions of a run over `prefix`: the counties holding households (one when the prefix
    is a county or below)."""
    if prefix and len(prefix) >= COUNTY_DIGITS:
        return [prefix[:COUNTY_DIGITS]]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT substr(region_code, 1, {COUNTY_DIGITS}) FROM registry_household "
                       f"WHERE {scope_sql('region_code', prefix)} ORDER BY 1")
        found = [row[0] for row in cursor.fetchall()]
    # An empty registry still gets one (empty) partition, so the snapshot has the tables' schemas.
    return found or [(prefix or "").ljust(COUNTY_DIGITS, "0")]


def _partition_path(base: str, table: str, county: str) -> str:
    return posixpath.join(base, table, f"county={county}", "part-0.parquet")


def snapshot_write(root: str, names: list[str], *, prefix: str | None, as_of: dt.date, progress=None,
                   tally=None) -> dict:
    """Pull `names` county by county from the database and write them under `root`; returns the manifest.

    `tally` counts how the queries were read (`snapshot.build_tables`).

    The manifest is written last: a snapshot whose writing was interrupted has none and is refused.
    """
    fs, base = _filesystem(root)
    try:
        fs.create_dir(base, recursive=True)
        if fs.get_file_info(posixpath.join(base, MANIFEST)).type != pafs.FileType.NotFound:
            fs.delete_file(posixpath.join(base, MANIFEST))  # rewriting: the old one no longer describes the files
    except OSError as exc:
        raise UserFacingError(f"无法写入快照位置 {root}：{exc}") from None
    parts = counties(prefix)
    manifest = {"format": FORMAT, "as_of": as_of.isoformat(), "prefix": prefix or "", "counties": parts,
                "tables": {}}
    for i, county in enumerate(parts):
        # Below a county the run's own prefix scopes the pull; otherwise the county's code does.
        scope = prefix if prefix and len(prefix) > COUNTY_DIGITS else county
        for name, table in build_tables(names, prefix=scope, as_of=as_of, tally=tally).items():
            entry = manifest["tables"].setdefault(name, {"columns": table.column_names, "rows": {}})
            path = _partition_path(base, name, county)
            try:
                fs.create_dir(posixpath.dirname(path), recursive=True)
                pq.write_table(table, path, filesystem=fs, compression="zstd")
            except OSError as exc:
                raise UserFacingError(f"写入快照文件 {path} 失败：{exc}") from None
            entry["rows"][county] = table.num_rows
        if progress:
            progress(i + 1, len(parts))
    with fs.open_output_stream(posixpath.join(base, MANIFEST)) as out:
        out.write(json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    return manifest


@dataclass
class OpenedSnapshot:
    root: str
    base: str
    manifest: dict

    def columns(self, name: str) -> list[str]:
        return list(self.manifest["tables"][name]["columns"])

    @property
    def local(self) -> bool:
        return "://" not in self.root or self.root.startswith("file://")

    def files(self, name: str) -> list[str]:
        """Every partition file of `name` the manifest lists (paths on the snapshot's filesystem)."""
        return [_partition_path(self.base, name, c) for c in self.manifest["counties"]]

    def uris(self, name: str) -> list[str]:
        """The same files as URIs Spark reads: a stray directory beside them is never read."""
        root = uri_of(self.root)
        return [_partition_path(root, name, c) for c in self.manifest["counties"]]


def snapshot_open(root: str, names: list[str], *, as_of: dt.date, prefix: str | None) -> OpenedSnapshot:
    """Read and check the snapshot at `root` for a run over `names` at `as_of`; a UserFacingError names what
    is wrong (no manifest, another date or region, a table or a county partition missing or changed)."""
    fs, base = _filesystem(root)
    try:
        with fs.open_input_stream(posixpath.join(base, MANIFEST)) as stream:
            manifest = json.loads(stream.read().decode())
    except FileNotFoundError:
        raise UserFacingError(f"快照 {root} 没有清单文件 {MANIFEST}：快照不存在或没有写完，请重新生成（gonggu snapshot）。"
                              ) from None
    except (OSError, ValueError) as exc:
        raise UserFacingError(f"无法读取快照清单 {root}/{MANIFEST}：{exc}") from None
    if manifest.get("format") != FORMAT:
        raise UserFacingError(f"快照 {root} 的格式版本 {manifest.get('format')} 不受支持（应为 {FORMAT}），请重新生成。")
    if manifest.get("as_of") != as_of.isoformat():
        raise UserFacingError(f"快照 {root} 的基准日是 {manifest.get('as_of')}，与本次的 {as_of.isoformat()} 不同："
                              f"请用 --as-of {manifest.get('as_of')} 运行，或按新的基准日重新生成快照。")
    if (manifest.get("prefix") or "") != (prefix or ""):
        raise UserFacingError(f"快照 {root} 的范围是区划「{manifest.get('prefix') or '全部'}」，与本次的"
                              f"「{prefix or '全部'}」不同。")
    missing_tables = [n for n in names if n not in manifest.get("tables", {})]
    if missing_tables:
        raise UserFacingError(f"快照 {root} 缺少本次规则需要的表：{'、'.join(missing_tables)}，请重新生成快照。")
    for name in names:
        expected = manifest["tables"][name]["rows"]
        for county in manifest["counties"]:
            path = _partition_path(base, name, county)
            try:
                rows = pq.read_metadata(path, filesystem=fs).num_rows
            except FileNotFoundError:
                raise UserFacingError(f"快照 {root} 不完整：表 {name} 缺少分区 county={county}（{path}）。"
                                      "本次未写入任何结果，请重新生成快照后再运行。") from None
            except (OSError, ValueError) as exc:  # truncated or not a Parquet file
                raise UserFacingError(f"快照 {root} 的分区文件 {path} 已损坏：{exc}。本次未写入任何结果，"
                                      "请重新生成快照后再运行。") from None
            if rows != expected.get(county):
                raise UserFacingError(f"快照 {root} 的分区文件 {path} 有 {rows} 行，清单记载 {expected.get(county)} 行："
                                      "文件已被改动。本次未写入任何结果，请重新生成快照后再运行。")
    return OpenedSnapshot(root=root, base=base, manifest=manifest)


def remove_snapshot(root: str) -> None:
    """Delete a snapshot a run staged for itself (a failure to delete is logged, not raised: the run is done)."""
    fs, base = _filesystem(root)
    try:
        fs.delete_dir(base)
    except OSError:  # FileNotFoundError included
        log.warning("could not remove snapshot %s", root, exc_info=True)
