from gonggu.core.command import GongguCommand
from gonggu.regions.models import Region

from ...demo import COUNTY, demo_build


class Command(GongguCommand):
    help = "在空数据库上创建示范县：区划、各角色用户，以及各模块的示例数据（已有数据时不动；--rebuild 重建示范县）"

    def add_command_arguments(self, parser):
        parser.add_argument("--households", type=int, default=2000, help="示例户数")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（同一种子生成同样的数据）")
        parser.add_argument("--rebuild", action="store_true",
                            help="删除示范县的全部数据（包括在示范县中录入的数据）后重建")

    def run(self, *, households, seed, rebuild=False, **options):
        # `make run` calls this on every start: a database that holds regions already holds someone's work
        # (the demo with what was entered into it, or a real county), so it is left as it is.
        if not rebuild and Region.objects.exists():
            demo_there = Region.objects.filter(code=COUNTY[0]).exists()
            text = ("示范县已存在，保留已有数据（包括录入的数据）。如需重建示范县：gonggu demo --rebuild"
                    if demo_there else "数据库中已有区划数据，不创建示范县。")
            return {"built": False, "demo_exists": demo_there}, text
        if rebuild:
            self.stderr.write("警告：--rebuild 将删除示范县的全部数据（包括在示范县中录入的数据）并重新生成。")
        result = demo_build(households=households, seed=seed)
        lines = [
            f"示范县已建立：{result['townships']} 个乡镇、{result['villages']} 个村，{result['households']} 户。",
            f"所有示例账号的密码：{result['password']}",
        ]
        lines += [f"  {x['username']:<14} {x['role']}  {x['region']}" for x in result["logins"]]
        return {"built": True, **result}, "\n".join(lines)
