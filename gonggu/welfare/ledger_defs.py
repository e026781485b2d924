"""The welfare ledgers: 低保渐退 and 临时救助, kept by 民政 (docs/ledgers.md)."""

from gonggu.core.departments import Department
from gonggu.ledgers.kinds import LedgerKind, Match, field_column, register_ledger

from .checks import check_grace, check_temporary
from .models import DibaoGrace, TemporaryAssistance

DIBAO_GRACE = register_ledger(LedgerKind(
    key="dibao_grace", title="低保渐退台账", area="兜底保障", model=DibaoGrace, match=Match.HOUSEHOLD,
    description="就业后家庭人均收入超过低保标准、给予渐退期的低保家庭：渐退期开始与结束日期、原因。",
    source="001 第二部分 五 兜底保障（二）2②",
    columns=(
        field_column(DibaoGrace, "start_on", aliases=("渐退开始日期", "渐退起始日期"), example="2025-03-01"),
        field_column(DibaoGrace, "end_on", aliases=("渐退结束日期", "停保日期"), example=""),
        field_column(DibaoGrace, "reason", aliases=("原因",), example="就业后家庭人均收入超过低保标准"),
    ),
    natural_key=("start_on",),
    list_fields=("start_on", "end_on", "reason"),
    date_field="start_on",
    notes=("每户每次渐退一行，身份证号填该户任一成员的号码；渐退期结束（停保）后填上结束日期再导入即可更新。",),
    department=Department.MZ,
    check_rows=check_grace,
))

TEMPORARY_ASSISTANCE = register_ledger(LedgerKind(
    key="temporary_assistance", title="临时救助台账", area="兜底保障", model=TemporaryAssistance, match=Match.PERSON,
    description="每笔临时救助：对象、发放日期、金额、事由、审批单位和报县级民政部门备案情况。",
    source="001 第二部分 五 兜底保障（二）2③；004 任务32",
    columns=(
        field_column(TemporaryAssistance, "granted_on", aliases=("救助日期", "发放时间"), example="2025-03-01"),
        field_column(TemporaryAssistance, "amount", aliases=("救助金额", "金额"), example="2000"),
        field_column(TemporaryAssistance, "cause", aliases=("事由", "救助原因"), synonyms={"因病致困": "因病", "受灾": "因灾",
                                                                                   "意外事故": "因意外事故"},
                     example="因病"),
        field_column(TemporaryAssistance, "approver", aliases=("审批机关", "审批层级"),
                     synonyms={"乡镇": "乡镇（街道）", "街道": "乡镇（街道）", "乡镇(街道)": "乡镇（街道）", "县民政局": "县级民政部门",
                               "县级": "县级民政部门"}, example="乡镇（街道）"),
        field_column(TemporaryAssistance, "filed", aliases=("是否备案", "已备案"), example="是"),
    ),
    natural_key=("granted_on",),
    list_fields=("granted_on", "amount", "cause", "approver", "filed"),
    filter_fields=("cause", "approver", "filed"),
    date_field="granted_on",
    notes=("同一人同一发放日期为一笔救助。",),
    department=Department.MZ,
    check_rows=check_temporary,
))
