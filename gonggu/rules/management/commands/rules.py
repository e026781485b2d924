from gonggu.core.command import GongguCommand

from ...selectors import rules_catalog


class Command(GongguCommand):
    help = "列出规则库：编码、名称、类别、来源（及所引原文）、等级、是否启用、参数"

    def run(self, **options):
        rules = rules_catalog()
        payload = {"rules": [
            {"code": r["code"], "title": r["title"], "kind": r["kind"], "source": r["source"],
             "source_text": r["source_text"], "grade": r["grade"], "enabled": r["enabled"], "params": r["params"]}
            for r in rules
        ]}
        lines = [f"规则库共 {len(rules)} 条："]
        for r in rules:
            state = "" if r["enabled"] else "（已停用）"
            params = "，".join(f"{k}={v}" for k, v in r["params"].items())
            lines.append(f"  {r['code']:<22} {r['kind_label']:<6} {r['title']}{state}"
                         f"{'  参数：' + params if params else ''}  来源：{r['source']}")
        return payload, "\n".join(lines)
