from gonggu.core.command import GongguCommand

from ...demo import demo_build


class Command(GongguCommand):
    help = "创建（或重建）示范县：区划、各角色用户，以及各模块的示例数据"

    def add_command_arguments(self, parser):
        parser.add_argument("--households", type=int, default=2000, help="示例户数")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（同一种子生成同样的数据）")

    def run(self, *, households, seed, **options):
        result = demo_build(households=households, seed=seed)
        lines = [
            f"示范县已建立：{result['townships']} 个乡镇、{result['villages']} 个村，{result['households']} 户。",
            f"所有示例账号的密码：{result['password']}",
        ]
        lines += [f"  {x['username']:<14} {x['role']}  {x['region']}" for x in result["logins"]]
        return result, "\n".join(lines)
