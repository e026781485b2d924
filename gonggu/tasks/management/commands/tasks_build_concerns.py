"""`gonggu tasks_build_concerns FILE`: read the handbook's 关注问题 into gonggu/tasks/data/concerns.json."""

from __future__ import annotations

import json
from pathlib import Path

from gonggu.core.command import GongguCommand
from gonggu.core.errors import UserFacingError
from gonggu.tasks.concerns import DATA_FILE, concern_areas
from gonggu.tasks.parsing import _read_text, parse_concerns


class Command(GongguCommand):
    help = "从工作手册（政策依据、工作重点、关注问题）的文本中提取各领域的关注问题，生成自查清单数据"

    def add_command_arguments(self, parser):
        parser.add_argument("file", help="工作手册文本（.txt）")
        parser.add_argument("--output", default=str(DATA_FILE), help="输出的 JSON 文件")

    def run(self, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise UserFacingError(f"找不到文件“{path}”。")
        entries = parse_concerns(_read_text(path))
        if not entries:
            raise UserFacingError(f"“{path.name}”中没有找到“（三）关注问题”一节，未生成清单。")
        out = Path(options["output"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        concern_areas.cache_clear()
        items = sum(len(e["items"]) for e in entries)
        payload = {"output": str(out), "areas": len(entries), "items": items}
        return payload, f"已写入 {out}：{len(entries)} 个领域，{items} 条关注问题。"
