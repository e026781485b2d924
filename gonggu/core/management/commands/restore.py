"""`gonggu restore ARCHIVE`: put a `gonggu backup` archive back (stop the web server and the worker first)."""

from __future__ import annotations

from pathlib import Path

from gonggu.core.backup import backup_restore
from gonggu.core.command import GongguCommand


class Command(GongguCommand):
    help = "从 gonggu backup 生成的备份文件恢复数据库和数据目录（请先停止网站服务和后台任务服务）"

    def add_command_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="备份文件（.tar.gz）")
        parser.add_argument("--force", action="store_true", help="当前数据库已有数据时也覆盖")

    def run(self, *, archive, force=False, **options):
        result = backup_restore(archive=archive, force=force)
        text = (f"已从 {Path(result['archive']).name}（{result['created_at'][:19]}）恢复到 {result['data_dir']}："
                f"数据库 {len(result['databases'])} 个，文件 {result['files']} 个。如版本较新，请再运行 gonggu migrate。")
        return result, text
