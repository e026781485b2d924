import time

from gonggu.core.command import GongguCommand

from ...engine import needed_tables, select_rules
from ...parquet import snapshot_write
from ...run_options import add_run_arguments, run_options


class Command(GongguCommand):
    help = ("把规则需要的台账和部门数据写成按县分区的 Parquet 快照（供 --engine spark 或 --snapshot 使用，"
            "集群上放在各执行节点都能读取的位置）")

    def add_command_arguments(self, parser):
        parser.add_argument("--out", required=True, help="快照位置：目录，或 hdfs://、s3:// 等")
        add_run_arguments(parser, engine=False, snapshot=False)
        parser.add_argument("--kinds", default="screening,quality,compliance",
                            help="为哪些类别的规则准备数据（逗号分隔，默认 screening,quality,compliance）")

    def run(self, *, out, kinds, **options):
        opts = run_options(options)
        rules = select_rules(kinds=[k.strip() for k in kinds.split(",") if k.strip()], codes=None)
        tables, _views = needed_tables(rules)
        started = time.perf_counter()
        manifest = snapshot_write(out, tables, prefix=opts.prefix, as_of=opts.as_of, progress=self.progress())
        seconds = round(time.perf_counter() - started, 2)
        rows = {name: sum(t["rows"].values()) for name, t in manifest["tables"].items()}
        payload = {"snapshot": out, "as_of": manifest["as_of"], "prefix": manifest["prefix"],
                   "counties": manifest["counties"], "rows": rows, "seconds": seconds}
        text = (f"快照已写入 {out}（基准日 {manifest['as_of']}，{len(manifest['counties'])} 个县分区，"
                f"{len(rows)} 张表，用时 {seconds} 秒）：" + "，".join(f"{k} {v}" for k, v in rows.items()))
        return payload, text
