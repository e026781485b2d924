"""Demo data of task lists: the demo county's units, its task list assigned to them, a few reports.

The list is a built-in text in the shape of a county 工作任务清单 (numbered tasks, lead units in
brackets), with dates placed around the demo's today so the board shows every light: one
deadline has passed, one is days away, one is months away, and one is misprinted ("6月31日")
and waits for a person. "县人行" is deliberately left out of the directory, so the
confirmation page has a name to settle.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from gonggu.accounts.permissions import Role
from gonggu.core.codes import in_scope_q
from gonggu.core.departments import Department

from .models import Evidence, ImportDraft, TaskList, Unit, UnitKind
from .parsing import parse_text
from .services import (
    concerns_autoattach,
    reminder_send,
    report_submit,
    target_add,
    task_close,
    task_list_import,
    unit_create,
)

DEMO_TEXT = Path(__file__).resolve().parent / "data" / "demo_tasklist.txt"

# (name, aliases, demo user who acts for it)
DEPARTMENTS = [
    ("县乡村振兴局", ["乡村振兴局"], "admin"),
    ("县民政局", [], f"bumen_{Department.MZ.value}"),
    ("县医疗保障局", ["县医保局"], f"bumen_{Department.YB.value}"),
    ("县残疾人联合会", ["县残联"], f"bumen_{Department.CL.value}"),
    ("县住房和城乡建设局", ["县住建局"], f"bumen_{Department.ZJ.value}"),
    ("县教育局", [], f"bumen_{Department.JY.value}"),
    ("县人力资源和社会保障局", ["县人社局"], f"bumen_{Department.RS.value}"),
    ("县卫生健康委员会", ["县卫健局", "县卫健委"], None),
    ("县水利局", [], None),
    ("县财政局", [], None),
    ("县农业农村局", [], None),
    ("县委组织部", [], None),
]


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def demo_text(ctx) -> str:
    today = ctx.today
    issued = dt.date(today.year, 1, 5) if today >= dt.date(today.year, 1, 20) else today - dt.timedelta(days=15)
    return DEMO_TEXT.read_text(encoding="utf-8").format(
        Y=issued.year, M=issued.month, DAY=issued.day,
        D_SOON=_cn_date(today + dt.timedelta(days=4)),
        D_PAST=_cn_date(today - dt.timedelta(days=12)),
        D_LATER=_cn_date(today + dt.timedelta(days=75)),
        VILLAGE=ctx.villages[0].name,
    )


@transaction.atomic
def demo_tasks(ctx) -> dict:
    admin = ctx.users.get("admin")
    county = ctx.county
    units: dict[str, Unit] = {}
    for name, aliases, username in DEPARTMENTS:
        members = [ctx.users[username]] if username in ctx.users else []
        units[name] = unit_create(user=admin, name=name, kind=UnitKind.DEPARTMENT, region=county, aliases=aliases,
                                  members=members)
    reviewers = {u.region_id: u for u in ctx.users.values() if u.role == Role.TOWNSHIP_REVIEWER}
    for township in ctx.townships:
        member = reviewers.get(township.pk)
        units[township.name] = unit_create(user=admin, name=f"{township.name}人民政府", kind=UnitKind.TOWNSHIP,
                                           region=township, aliases=[township.name, f"{township.name}党委政府"],
                                           members=[member] if member else [])
    village = ctx.villages[0]
    team_member = ctx.users.get("gongzuodui")
    units["team"] = unit_create(user=admin, name=f"{village.name}驻村工作队", kind=UnitKind.VILLAGE_TEAM,
                                region=village, members=[team_member] if team_member else [])

    parsed = parse_text(demo_text(ctx), document="示范县工作任务清单.txt")
    task_list = task_list_import(user=admin, region=county, parsed=parsed)
    concerns_autoattach(user=admin, task_list=task_list)
    tasks = {t.no: t for t in task_list.tasks.all()}

    rural = units["县乡村振兴局"]
    staff = {name: ctx.users[username] for name, _a, username in DEPARTMENTS if username in ctx.users}
    reports = 0
    for no, unit_name, text, percent in [
        ("1", "县乡村振兴局", "已完成 6 个乡镇的集中排查，新识别监测对象 12 户，录入工作正在进行。", 70),
        ("2", "县民政局", "本月与县乡村振兴局比对低保、特困名单，推送风险线索 9 条，已全部反馈核实结果。", None),
        ("8", "县教育局", "秋季学期入学台账已建立，疑似辍学学生 2 人已劝返复学。", 90),
        ("14", "县民政局", "新纳入低保的监测对象 15 户，渐退期政策已落实。", 60),
    ]:
        files = []
        if no == "2":
            files = [(SimpleUploadedFile("数据比对联席会议纪要.txt", "会议纪要（示例）".encode()), "minutes")]
        report_submit(user=staff[unit_name], task=tasks[no], unit=units[unit_name], progress=text, percent=percent,
                      files=files)
        reports += 1
    target_add(user=staff["县乡村振兴局"], task=tasks["1"], unit=rural, year=ctx.today.year,
               target="全县农户排查全覆盖，监测对象应纳尽纳", time_node=ctx.today + dt.timedelta(days=4),
               leader="分管副局长", person="监测股股长")
    reminder_send(user=admin, task=tasks["3"], unit=rural, message="帮扶计划全覆盖已过期限，请三日内报送进展。")
    task_close(user=admin, task=tasks["15"], note="两项补贴已按月足额发放，核对发放台账无误。")
    return {"task_lists": 1, "tasks": task_list.tasks.count(), "task_units": Unit.objects.filter(
        in_scope_q("region_code", county.prefix)).count(), "task_reports": reports}


def demo_clear(*, prefix: str) -> None:
    """Remove the demo county's task lists, drafts, units and their evidence files."""
    scope = in_scope_q("region_code", prefix)
    paths = list(Evidence.objects.filter(report__unit__in=Unit.objects.filter(scope)).values_list("path", flat=True))
    with transaction.atomic():
        TaskList.objects.filter(scope).delete()
        ImportDraft.objects.filter(scope).delete()
        Unit.objects.filter(scope).delete()
    for path in paths:
        Path(path).unlink(missing_ok=True)
