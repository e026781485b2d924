"""The employment ledgers: each a model plus the columns an office fills in (docs/ledgers.md)."""

from gonggu.dataio.columns import Kind
from gonggu.ledgers.kinds import LedgerKind, Match, field_column, register_ledger

from .models import PublicPost

PUBLIC_POST = register_ledger(LedgerKind(
    key="public_post", title="公益岗位台账", area="稳岗就业", model=PublicPost, match=Match.PERSON,
    description="乡村公益性岗位的安置人员：岗位、上岗与退岗日期、月补贴、协议与保险、第几次安置。",
    source="001 第二部分 稳岗就业（二）6；001 第三部分 关注问题 稳岗就业 5",
    columns=(
        field_column(PublicPost, "post_name", aliases=("岗位", "公益岗位名称"), example="村级保洁员"),
        field_column(PublicPost, "post_type", aliases=("岗位类型",), example="保洁"),
        field_column(PublicPost, "start_date", aliases=("上岗时间", "安置日期", "聘用日期"), example="2025-03-01"),
        field_column(PublicPost, "end_date", aliases=("退岗时间", "离岗日期"), example=""),
        field_column(PublicPost, "monthly_subsidy", aliases=("岗位补贴", "月补贴", "补贴标准（元/月）"), example="1100"),
        field_column(PublicPost, "placement_no", kind=Kind.INT, aliases=("安置次数",), example="1"),
        field_column(PublicPost, "agreement", aliases=("是否签订协议", "岗位协议"), example="是"),
        field_column(PublicPost, "insured", aliases=("是否购买保险", "意外伤害保险"), example="是"),
    ),
    natural_key=("post_name", "start_date"),
    list_fields=("post_name", "start_date", "end_date", "monthly_subsidy", "agreement", "insured"),
    filter_fields=("agreement", "insured"),
    date_field="start_date",
    notes=("同一人同一岗位同一上岗日期为一条记录；退岗时填上退岗日期再导入即可更新。",),
))
