from gonggu.core.command import GongguCommand
from gonggu.rules.run_options import add_run_arguments, run_options

from ...services import screening_run


class Command(GongguCommand):
    help = "运行筛查规则（部门筛查预警），把结果写成待村级核实的预警"

    def add_command_arguments(self, parser):
        add_run_arguments(parser)

    def run(self, **options):
        opts = run_options(options)
        outcome = screening_run(as_of=opts.as_of, engine=opts.engine, prefix=opts.prefix, snapshot=opts.snapshot)
        payload = outcome.as_json()
        s, w = payload["summary"], outcome.written
        lines = [
            f"筛查基准日 {payload['as_of']}：命中 {w.warnings} 户次（{w.findings} 条结果），"
            f"新增预警 {w.created}，因新事实再次预警 {w.reraised}，仍待核实 {w.updated}，"
            f"已核实且无新事实 {w.suppressed}，条件已消失 {w.lapsed}，台账中找不到的户 {w.unmatched}。",
        ]
        if s["by_rule"]:
            lines.append("按规则：" + "，".join(f"{k} {v}" for k, v in s["by_rule"].items()))
        if s["by_grade"]:
            lines.append("按等级：" + "，".join(f"{k or '未定'} {v}" for k, v in s["by_grade"].items()))
        if s["by_township"]:
            lines.append("按乡镇：" + "，".join(f"{v['name'] or k} {v['count']}" for k, v in s["by_township"].items()))
        if s["by_department"]:
            lines.append("按部门：" + "，".join(f"{k} {v}" for k, v in s["by_department"].items()))
        for skipped in outcome.skipped:
            message = f"已跳过 {skipped.get('rule')}：{skipped.get('reason')}"
            lines.append(message)
            if options.get("format") == "json":
                # Human messages go to stderr, so the JSON on stdout stays one document.
                self.stderr.write(message)
        return payload, "\n".join(lines)
