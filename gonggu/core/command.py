"""Base class for `gonggu` commands: `--format json`, exit codes and messages per cli.md."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from .errors import UserFacingError, connection_lost


class GongguCommand(BaseCommand):
    """Subclasses implement `run(**options) -> (payload, text)`.

    With `--format json` exactly one JSON document goes to stdout; human
    messages and progress go to stderr. A UserFacingError, or a lost database
    connection, becomes a one-line reason on stderr and exit status 1 — never a
    traceback.
    """

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")
        self.add_command_arguments(parser)

    def add_command_arguments(self, parser):
        pass

    def run(self, **options) -> tuple[dict[str, Any], str]:
        raise NotImplementedError

    def handle(self, *args, **options):
        self._fmt = options["format"]
        try:
            payload, text = self.run(**options)
        except UserFacingError as exc:
            self.stderr.write(f"错误：{exc.message}")
            sys.exit(1)
        except CommandError:
            raise
        except MemoryError:
            self.stderr.write("错误：内存不足，操作未完成。请把文件拆小后重试，或联系管理员。")
            sys.exit(1)
        except Exception as exc:
            # A dropped database connection is an outage, not a bug: one line, no traceback. Commands whose
            # writes are atomic say more themselves (ImportConnectionLost).
            reason = connection_lost(exc)
            if reason is None:
                raise
            self.stderr.write(f"错误：数据库连接中断：{reason}")
            sys.exit(1)
        if self._fmt == "json":
            self.stdout.write(json.dumps(payload, ensure_ascii=False, default=str))
        else:
            self.stdout.write(text)

    def progress(self) -> TerminalProgress:
        return TerminalProgress(self.stderr)


class TerminalProgress:
    """Rows per second and percent on stderr, only when stderr is a terminal."""

    def __init__(self, stream):
        self.stream = stream
        self.start = time.monotonic()
        self.last = 0.0
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.tty:
            return
        now = time.monotonic()
        if now - self.last < 0.3 and done < total:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-6)
        pct = done * 100 / total if total else 100
        self.stream.write(f"\r{done}/{total} ({pct:.0f}%) {rate:,.0f} 行/秒", ending="")
        if done >= total:
            self.stream.write("")
