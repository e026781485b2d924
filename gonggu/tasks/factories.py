"""Small task lists for tests: built through the services, as a county would."""

from __future__ import annotations

from gonggu.accounts.models import User

from .models import TaskList, Unit, UnitKind
from .parsing import parse_text
from .services import task_list_import, unit_create

SMALL_LIST = """某县巩固拓展脱贫攻坚成果工作任务清单
一、加强动态监测帮扶
1.动态识别监测对象。建立信息监测员队伍，每周研判一次。（县乡村振兴局）
2.强化数据比对共享。每月与民政、医保等部门开展一次数据比对。（县乡村振兴局、县民政局）
二、稳步增收
3.推进产业精准覆盖。实现“一镇一业”“一村一品”。（县农业农村局）
4.加强金融帮扶。用好小额信贷政策。（县人行）
中共某县县委农村工作领导小组办公室      2024年3月1日印发
"""

TABLE_LIST = (
    "某县责任分工任务清单\n"
    "序号\t工作任务\t牵头单位\t责任单位\t完成时限\n"
    "一、健全监测机制\n"
    "1\t1.完善监测制度。简化工作流程。\t县乡村振兴局\t城关镇、白沙镇\t2024年12月底\n"
    "2\t2.按季度调度。每季度召开调度会。\t县乡村振兴局\t城关镇\t每季度\n"
    "3\t3.及时整改。发现问题及时整改。\t县民政局\t城关镇\t尽快\n"
)


def make_unit(admin: User, name: str, region, *, kind: str = UnitKind.DEPARTMENT, members=(), aliases=()) -> Unit:
    return unit_create(user=admin, name=name, kind=kind, region=region, aliases=aliases, members=members)


def make_list(admin: User, region, text: str = SMALL_LIST, *, document: str = "清单.txt") -> TaskList:
    return task_list_import(user=admin, region=region, parsed=parse_text(text, document=document))
