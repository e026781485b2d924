"""The options every rule-running command shares (`screen`, `quality`, `compliance`, `snapshot`).

    --as-of DATE      the day the rules look at (default today)
    --engine NAME     duckdb (in process, the default) or spark (local[*] or GONGGU_SPARK_MASTER)
    --snapshot DIR    evaluate a Parquet snapshot written by `gonggu snapshot` instead of pulling now
    --region CODE     only this region and below (a region code; default everything)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from gonggu.core.errors import UserFacingError

from .engine import ENGINES, default_engine


def add_run_arguments(parser, *, engine: bool = True, snapshot: bool = True) -> None:
    parser.add_argument("--as-of", dest="as_of", help="检查基准日 YYYY-MM-DD（默认今天）")
    parser.add_argument("--region", help="只检查该区划及其下级（区划代码；默认全部）")
    if engine:
        parser.add_argument("--engine", help=f"计算引擎：{'、'.join(ENGINES)}（默认 GONGGU_RULES_ENGINE，未设置时 duckdb；"
                                             "spark 用 GONGGU_SPARK_MASTER，未设置时在本机运行）")
    if snapshot:
        parser.add_argument("--snapshot", help="读取 gonggu snapshot 生成的 Parquet 快照（目录或 hdfs:// 等位置），"
                                               "而不是从数据库现取")


@dataclass(frozen=True)
class RunOptions:
    as_of: dt.date
    prefix: str | None
    engine: str
    snapshot: str | None


def run_options(options: dict) -> RunOptions:
    """The checked options, or a UserFacingError naming the one that is wrong."""
    from gonggu.core.errors import NotFoundInScope
    from gonggu.regions.selectors import region_get_in_scope

    text = options.get("as_of")
    try:
        as_of = dt.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        raise UserFacingError(f"--as-of「{text}」不是 YYYY-MM-DD 格式的日期。") from None
    prefix = None
    region = (options.get("region") or "").strip()
    if region:
        try:
            if not region.isdigit():
                raise NotFoundInScope
            prefix = region_get_in_scope(region.ljust(12, "0"), None).prefix
        except NotFoundInScope:
            raise UserFacingError(f"--region「{region}」不是已导入的区划代码。") from None
    # An unknown engine is refused by the engine itself (`open_run`), before anything is read or written.
    engine = options.get("engine") or default_engine()
    return RunOptions(as_of=as_of, prefix=prefix, engine=engine, snapshot=options.get("snapshot") or None)
