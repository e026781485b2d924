"""`gonggu backup`: the SQLite database (consistent while in use) and the data directory in one archive."""

from __future__ import annotations

from pathlib import Path

from gonggu.core.backup import backup_create
from gonggu.core.command import GongguCommand


class Command(GongguCommand):
    help = "备份：SQLite 数据库（运行中也一致）和数据目录中的文件，打包为一个 .tar.gz 文件"

    def add_command_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=None, help="备份文件路径（默认 <数据目录>/backups/gonggu-时间.tar.gz）")

    def run(self, *, out=None, **options):
        result = backup_create(out=out)
        if "database" not in result.databases:
            self.stderr.write("注意：当前数据库不是 SQLite，备份只含数据目录中的文件；数据库请用 pg_dump 备份（见 docs/operations.md）。")
        payload = {"archive": str(result.path), "files": result.files, "databases": result.databases,
                   "bytes": result.bytes}
        text = f"已备份到 {result.path}：数据库 {len(result.databases)} 个，文件 {result.files} 个，共 {result.bytes / 1048576:.1f} MB。"
        return payload, text
