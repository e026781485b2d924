"""The ledgers of 衔接资金、项目库与扶贫项目资产 (docs/ledgers.md): each a model, its columns, and — where
a row must agree with other rows (an allocation's amount, a project's budget, a project's dates) — its
`check_rows` over the functions of `checks.py`, so the import, the form and the services refuse the same rows.
"""

from __future__ import annotations

from decimal import Decimal

from gonggu.core.access import Perm
from gonggu.dataio.columns import Kind
from gonggu.ledgers.kinds import LedgerKind, Match, field_column, per_row, register_ledger

from . import checks
from .models import (
    Asset,
    AssetIncome,
    ConsumptionPurchase,
    FundAllocation,
    FundInspection,
    FundUse,
    Payment,
    Project,
    ProjectBeneficiary,
    ProjectStatus,
)
from .workflow import ORDER, status_from_dates

AREA = "衔接资金与项目资产"
Found = dict[int, list[tuple[str, str]]]


def _listed(problems: dict[int, tuple[str, str]]) -> Found:
    """`checks` give one problem a row; `check_rows` gives a list."""
    return {i: [problem] for i, problem in problems.items()}


def _prefix(rows: list[dict]) -> str | None:
    """The region of whoever imports or enters the rows (None: the command line or a system administrator)."""
    user = rows[0].get("user") if rows else None
    return None if user is None else user.scope_prefix


def _replaces(model, rows: list[dict], key_fields: tuple[str, ...]) -> list[int | None]:
    """The stored row each candidate updates: the row being edited, else the one of the same region and
    natural key (a re-imported row replaces it, so sums do not count it twice)."""
    codes = {r["region_code"] for r in rows}
    stored = {(obj.region_code, *(getattr(obj, k) for k in key_fields)): obj.pk
              for obj in model.objects.filter(region_code__in=codes).only("pk", "region_code", *key_fields)}
    return [r["row_id"] or stored.get((r["region_code"], *(r[k] for k in key_fields))) for r in rows]


# --- 项目库 ---------------------------------------------------------------------------------------------------

# On the entry form a step's date is the step itself: only those who may take the step may set or change it.
STEP_PERMS = {
    "reviewed_on": (Perm.REVIEW_TOWNSHIP, Perm.APPROVE_COUNTY), "entered_on": (Perm.APPROVE_COUNTY,),
    "published_on": (Perm.APPROVE_COUNTY,), "planned_on": (Perm.APPROVE_COUNTY,),
    "accepted_on": (Perm.REVIEW_TOWNSHIP, Perm.APPROVE_COUNTY),
}


def check_projects(rows: list[dict]) -> Found:
    """A step's date only from those who may take the step (an import is the county's); funds given, dates in
    order, the library's preconditions; a number not used in another village. The status follows the dates
    (a rejected project stays rejected)."""
    numbers = {r["project_no"] for r in rows}
    stored_by_pk, stored_by_key = {}, {}
    for values in Project.objects.filter(project_no__in=numbers).values("pk", "region_code", "project_no", "status",
                                                                        *STEP_PERMS):
        stored_by_pk[values["pk"]] = stored_by_key[(values["region_code"], values["project_no"])] = values
    found: Found = {}
    for i, r in enumerate(rows):
        stored = stored_by_pk.get(r["row_id"]) if r["row_id"] else stored_by_key.get((r["region_code"], r["project_no"]))
        user = r.get("user")
        for name, perms in STEP_PERMS.items():
            if user is not None and r.get(name) != (stored or {}).get(name) and not any(
                    user.has_perm_code(p) for p in perms):
                label = str(Project._meta.get_field(name).verbose_name)
                found[i] = [(name, f"您的角色不能填写或修改{label}：该步骤须由审核或县级用户在项目页办理")]
                break
        if i not in found and (problem := checks.project_problem(r)):
            found[i] = [problem]
        rejected = stored is not None and stored["status"] == ProjectStatus.REJECTED
        r["status"] = ProjectStatus.REJECTED if rejected else status_from_dates({n: r.get(n) for n in ORDER})
    found.update(_listed(checks.project_numbers_taken(
        [(i, r["project_no"], r["region_code"]) for i, r in enumerate(rows) if i not in found])))
    return found


PROJECT = register_ledger(LedgerKind(
    key="project", title="项目库台账", area=AREA, model=Project, match=Match.REGION,
    description="巩固拓展脱贫攻坚成果和乡村振兴项目库：申报、审核论证、入库、公告公示、纳入年度计划、实施和验收。",
    source="004 任务37–39；001 第二部分 产业（二）2③",
    columns=(
        field_column(Project, "project_no", aliases=("项目代码",), example="2025-CG-001"),
        field_column(Project, "name", aliases=("名称",), example="东村食用菌大棚"),
        field_column(Project, "year", kind=Kind.YEAR, aliases=("年度",), example="2025"),
        field_column(Project, "project_type", aliases=("项目类别",), example="产业发展",
                     synonyms={"产业": "产业发展", "产业类": "产业发展", "就业": "就业帮扶", "基础设施类": "基础设施"}),
        field_column(Project, "operating", aliases=("是否经营性项目",), example="是"),
        field_column(Project, "implementer", aliases=("项目实施单位",), example="城关镇人民政府"),
        field_column(Project, "central_funds", aliases=("中央资金",), example="500000"),
        field_column(Project, "provincial_funds", aliases=("省级资金",), example="100000"),
        field_column(Project, "city_funds", aliases=("市级资金",), example="0"),
        field_column(Project, "county_funds", aliases=("县级资金",), example="50000"),
        field_column(Project, "other_funds", aliases=("其他资金来源",), example="0"),
        field_column(Project, "link_mechanism", aliases=("联农带农",), example="务工带动、入股分红"),
        field_column(Project, "performance_targets", aliases=("绩效目标表",), example="带动脱贫户 40 户，户均增收 1500 元"),
        field_column(Project, "proposed_on", aliases=("申报时间",), example="2025-01-10"),
        field_column(Project, "reviewed_on", aliases=("审核时间",), example="2025-01-20"),
        field_column(Project, "entered_on", aliases=("入库时间",), example="2025-02-01"),
        field_column(Project, "published_on", aliases=("公示日期",), example="2025-02-05"),
        field_column(Project, "published_place", aliases=("公示位置",), example="村务公开栏"),
        field_column(Project, "planned_on", aliases=("纳入计划日期",), example="2025-03-01"),
        field_column(Project, "started_on", aliases=("开工时间",), example=""),
        field_column(Project, "completed_on", aliases=("竣工时间",), example=""),
        field_column(Project, "accepted_on", aliases=("验收时间",), example=""),
        field_column(Project, "four_batch", aliases=("四个一批分类", "四个一批", "分类"), example="",
                     synonyms={"巩固一批": "巩固", "升级一批": "升级", "盘活一批": "盘活", "调整一批": "调整"}),
        field_column(Project, "four_batch_on", aliases=("四个一批分类日期",), example=""),
        field_column(Project, "four_batch_by", aliases=("分类认定单位", "认定单位"), example=""),
        field_column(Project, "four_batch_basis", aliases=("四个一批分类依据",), example=""),
    ),
    natural_key=("project_no",),
    list_fields=("project_no", "name", "year", "project_type", "entered_on", "planned_on", "accepted_on",
                 "four_batch"),
    filter_fields=("project_type", "year", "operating", "four_batch"),
    date_field="proposed_on",
    notes=("项目所在的村（社区）或乡镇填在「行政区划代码」；各步骤的日期按实际填写，状态按已填的日期确定。",
           "已入库的项目必须有绩效目标；经营性项目还必须有联农带农机制。",
           "已竣工的产业发展项目每年按“四个一批”（巩固、升级、盘活、调整）分类一次：分类、分类日期、认定单位（人）"
           "和依据一起填写；再次分类时改写这四列，以前年度的分类保留在修改记录中。"),
    import_perm=Perm.APPROVE_COUNTY,   # the library as the county keeps it: steps' dates included
    check_rows=check_projects,
))


def check_beneficiaries(rows: list[dict]) -> Found:
    """The project is in the county's library."""
    known = {(code[:6], no) for no, code in Project.objects.filter(project_no__in={r["project_no"] for r in rows})
             .values_list("project_no", "region_code")}
    return {i: [("project_no", f"本县项目库中没有编号为「{r['project_no']}」的项目")] for i, r in enumerate(rows)
            if (r["region_code"][:6], r["project_no"]) not in known}


BENEFICIARY = register_ledger(LedgerKind(
    key="project_beneficiary", title="项目受益对象台账", area=AREA, model=ProjectBeneficiary, match=Match.PERSON,
    description="项目带动、受益的脱贫人口和监测对象，按身份证号登记。",
    source="001 第二部分 产业（二）2②",
    columns=(
        field_column(ProjectBeneficiary, "project_no", aliases=("项目代码",), example="2025-CG-001"),
        field_column(ProjectBeneficiary, "benefit", aliases=("带动方式", "受益类型"), example="务工"),
    ),
    natural_key=("project_no",),
    list_fields=("project_no", "benefit"),
    check_rows=check_beneficiaries,
))


# --- 衔接资金 ------------------------------------------------------------------------------------------------

ALLOCATION = register_ledger(LedgerKind(
    key="fund_allocation", title="衔接资金下达台账", area=AREA, model=FundAllocation, match=Match.REGION,
    description="上级和本级下达的衔接资金：文号、下达日期、资金级次、金额。",
    source="004 任务39–41",
    columns=(
        field_column(FundAllocation, "doc_no", aliases=("文号", "指标文号"), example="豫财农〔2025〕12号"),
        field_column(FundAllocation, "issued_on", aliases=("下达时间", "文件日期"), example="2025-02-10"),
        field_column(FundAllocation, "year", kind=Kind.YEAR, aliases=("年度",), example="2025"),
        field_column(FundAllocation, "source", aliases=("资金来源", "级次"), example="中央",
                     synonyms={"中央财政": "中央", "省": "省级", "省财政": "省级", "市": "市级", "县": "县级", "县本级": "县级"}),
        field_column(FundAllocation, "amount", aliases=("金额", "下达资金"), example="3000000"),
    ),
    natural_key=("doc_no",),
    list_fields=("doc_no", "issued_on", "year", "source", "amount"),
    filter_fields=("source", "year"),
    date_field="issued_on",
    notes=("资金由县财政局登记，「行政区划代码」填本县代码（12 位）。",),
))


def check_fund_uses(rows: list[dict]) -> Found:
    replaces = _replaces(FundUse, rows, ("doc_no", "project_no"))
    return _listed(checks.fund_use_problems(
        [checks.UseRow(i, r["region_code"], r["doc_no"], r["project_no"], r["amount"], r["executed_on"], replaces[i])
         for i, r in enumerate(rows)], prefix=_prefix(rows)))


FUND_USE = register_ledger(LedgerKind(
    key="fund_use", title="资金预算执行台账", area=AREA, model=FundUse, match=Match.REGION,
    description="下达的衔接资金安排到项目（开展预算执行）：文号、项目、日期、金额。",
    source="004 任务39",
    columns=(
        field_column(FundUse, "doc_no", aliases=("文号", "指标文号"), example="豫财农〔2025〕12号"),
        field_column(FundUse, "project_no", aliases=("项目代码",), example="2025-CG-001"),
        field_column(FundUse, "executed_on", aliases=("执行日期", "安排日期"), example="2025-02-20"),
        field_column(FundUse, "amount", aliases=("金额", "安排资金"), example="500000"),
    ),
    natural_key=("doc_no", "project_no"),
    list_fields=("doc_no", "project_no", "executed_on", "amount"),
    date_field="executed_on",
    notes=("「行政区划代码」填本县代码；同一文号安排到各项目的金额合计不能超过下达金额。",),
    check_rows=check_fund_uses,
))


def check_payments(rows: list[dict]) -> Found:
    replaces = _replaces(Payment, rows, ("voucher_no",))
    return _listed(checks.payment_problems(
        [checks.PaymentRow(i, r["region_code"], r["project_no"], r["amount"], replaces[i]) for i, r in enumerate(rows)],
        prefix=_prefix(rows)))


PAYMENT = register_ledger(LedgerKind(
    key="payment", title="衔接资金拨付台账", area=AREA, model=Payment, match=Match.REGION,
    description="按项目进度拨付的衔接资金：凭证号、项目、日期、类型、金额、收款单位。",
    source="004 任务39",
    columns=(
        field_column(Payment, "voucher_no", aliases=("凭证号", "支付凭证号"), example="ZF2025-0031"),
        field_column(Payment, "project_no", aliases=("项目代码",), example="2025-CG-001"),
        field_column(Payment, "paid_on", aliases=("拨付时间", "支付日期"), example="2025-04-15"),
        field_column(Payment, "kind", aliases=("类型", "款项类型"), example="进度款"),
        field_column(Payment, "amount", aliases=("金额", "拨付资金"), example="200000"),
        field_column(Payment, "payee", aliases=("收款人",), example="城关镇东村股份经济合作社"),
    ),
    natural_key=("voucher_no",),
    list_fields=("voucher_no", "project_no", "paid_on", "kind", "amount", "payee"),
    filter_fields=("kind",),
    date_field="paid_on",
    notes=("「行政区划代码」填本县代码；一个项目拨付的合计不能超过安排给它的预算。",),
    check_rows=check_payments,
))


def inspection_check(values: dict, _id_number: str) -> list[tuple[str, str]]:
    done, inspected = values.get("rectified_on"), values.get("inspected_on")
    if done is not None and inspected is not None and done < inspected:
        return [("rectified_on", f"整改完成日期（{done:%Y-%m-%d}）早于检查日期（{inspected:%Y-%m-%d}）")]
    if done is not None and not (values.get("rectification") or "").strip():
        return [("rectification", "填写了整改完成日期，请同时填写整改情况")]
    return []


INSPECTION = register_ledger(LedgerKind(
    key="fund_inspection", title="衔接资金督查检查台账", area=AREA, model=FundInspection, match=Match.REGION,
    description="县级每季度对衔接资金使用情况开展的督查检查：日期、检查人员、范围、发现问题和整改情况。",
    source="004 任务41",
    columns=(
        field_column(FundInspection, "inspected_on", aliases=("检查时间", "督查日期"), example="2025-03-20"),
        field_column(FundInspection, "inspectors", aliases=("检查单位", "检查人员", "督查组"),
                     example="县财政局、县乡村振兴局联合督查组"),
        field_column(FundInspection, "scope", aliases=("检查内容", "督查范围"), example="全县 2025 年第一批衔接资金项目"),
        field_column(FundInspection, "findings", aliases=("存在问题", "问题"), example="2 个项目资金拨付滞后"),
        field_column(FundInspection, "rectification", aliases=("整改措施", "整改落实情况"), example="已督促拨付"),
        field_column(FundInspection, "rectified_on", aliases=("整改时间",), example="2025-04-10"),
    ),
    natural_key=("inspected_on", "scope"),
    list_fields=("inspected_on", "inspectors", "scope", "findings", "rectification", "rectified_on"),
    date_field="inspected_on",
    notes=("「行政区划代码」填本县代码（12 位）；每季度至少一条，季度按检查日期确定。",),
    import_perm=Perm.APPROVE_COUNTY,   # the county's own inspections
    edit_perm=Perm.APPROVE_COUNTY,
    check_rows=per_row(inspection_check),
))


# --- 扶贫项目资产 --------------------------------------------------------------------------------------------

def check_assets(rows: list[dict]) -> Found:
    problems = checks.asset_problems([(i, r["region_code"], r["asset_no"], r.get("project_no") or "")
                                      for i, r in enumerate(rows)])
    for i, r in enumerate(rows):
        if i not in problems and (problem := checks.asset_row_problem(r)):
            problems[i] = problem
    return _listed(problems)


ASSET = register_ledger(LedgerKind(
    key="asset", title="扶贫项目资产台账", area=AREA, model=Asset, match=Match.REGION,
    description="经营性、公益性、到户类项目资产：权属、管护、原值、确权登记、处置；光伏帮扶电站的运行指标。",
    source="001 第二部分 产业（二）4、6；004 任务42–44",
    columns=(
        field_column(Asset, "asset_no", aliases=("资产代码",), example="ZC2025-001"),
        field_column(Asset, "name", aliases=("名称",), example="东村食用菌大棚"),
        field_column(Asset, "project_no", aliases=("项目编号",), example="2025-CG-001"),
        field_column(Asset, "asset_class", aliases=("资产类型", "类别"), example="经营性",
                     synonyms={"经营性资产": "经营性", "公益性资产": "公益性", "到户类资产": "到户类", "到户": "到户类"}),
        field_column(Asset, "owner", aliases=("产权归属", "所有权人"), example="东村股份经济合作社"),
        field_column(Asset, "manager", aliases=("管护主体", "经营主体", "管护责任人"), example="某食用菌专业合作社"),
        field_column(Asset, "value", aliases=("原值", "资产价值"), example="550000"),
        field_column(Asset, "formed_on", aliases=("形成时间",), example="2025-10-20"),
        field_column(Asset, "registered_on", aliases=("确权时间", "登记日期"), example="2025-12-01"),
        field_column(Asset, "photovoltaic", aliases=("是否光伏电站",), example="否"),
        field_column(Asset, "pv_fault_rate", aliases=("故障率",), example=""),
        field_column(Asset, "pv_online_rate", aliases=("在线率",), example=""),
        field_column(Asset, "disposed_on", aliases=("处置时间",), example=""),
        field_column(Asset, "disposal_evaluated", aliases=("是否评估",), example="否"),
        field_column(Asset, "disposal_approved", aliases=("是否审批",), example="否"),
    ),
    natural_key=("asset_no",),
    list_fields=("asset_no", "name", "asset_class", "owner", "value", "registered_on"),
    filter_fields=("asset_class", "photovoltaic"),
    date_field="formed_on",
    notes=("资产所在的村（社区）或乡镇填在「行政区划代码」。光伏电站填写故障率和实时在线率（%）。",),
    check_rows=check_assets,
))


def check_incomes(rows: list[dict]) -> Found:
    return _listed(checks.income_problems([(i, r["region_code"], r["asset_no"], r["income"],
                                            r.get("distributed") or Decimal(0)) for i, r in enumerate(rows)]))


INCOME = register_ledger(LedgerKind(
    key="asset_income", title="资产收益分配台账", area=AREA, model=AssetIncome, match=Match.REGION,
    description="项目资产（含光伏电站）每年的收益、已分配金额、分配方式和方案公开情况。",
    source="003 （十八）；001 第二部分 产业（二）1⑥、6",
    columns=(
        field_column(AssetIncome, "asset_no", aliases=("资产代码",), example="ZC2025-001"),
        field_column(AssetIncome, "year", kind=Kind.YEAR, aliases=("年度",), example="2025"),
        field_column(AssetIncome, "income", aliases=("收益", "年收益"), example="48000"),
        field_column(AssetIncome, "distributed", aliases=("分配金额",), example="40000"),
        field_column(AssetIncome, "distribution", aliases=("收益分配方式",), example="设置公益岗位"),
        field_column(AssetIncome, "plan_published", aliases=("方案是否公开",), example="是"),
    ),
    natural_key=("asset_no", "year"),
    list_fields=("asset_no", "year", "income", "distributed", "distribution", "plan_published"),
    filter_fields=("distribution", "year"),
    notes=("「行政区划代码」填资产所在的村（社区）或乡镇。",),
    check_rows=check_incomes,
))


# --- 消费帮扶 -----------------------------------------------------------------------------------------------

def purchase_check(values: dict, _id_number: str) -> list[tuple[str, str]]:
    if (values.get("platform_purchases") or Decimal(0)) > (values.get("canteen_purchases") or Decimal(0)):
        return [("platform_purchases", "832平台采购额超过食堂食材采购总额")]
    return []


PURCHASE = register_ledger(LedgerKind(
    key="consumption_purchase", title="消费帮扶采购台账", area=AREA, model=ConsumptionPurchase, match=Match.REGION,
    description="各预算单位每年的食堂食材采购总额和通过832平台采购脱贫地区农副产品的金额。",
    source="001 第二部分 产业（二）7②",
    columns=(
        field_column(ConsumptionPurchase, "unit", aliases=("单位名称", "采购单位"), example="县乡村振兴局"),
        field_column(ConsumptionPurchase, "year", kind=Kind.YEAR, aliases=("采购年度",), example="2025"),
        field_column(ConsumptionPurchase, "canteen_purchases", aliases=("食堂食材采购额", "食材采购总额"), example="200000"),
        field_column(ConsumptionPurchase, "platform_purchases", aliases=("832平台采购额", "脱贫地区农副产品采购额"),
                     example="25000"),
    ),
    natural_key=("unit", "year"),
    list_fields=("unit", "year", "canteen_purchases", "platform_purchases"),
    filter_fields=("year",),
    notes=("「行政区划代码」填单位所在的县、乡镇代码（12 位）。",),
    check_rows=per_row(purchase_check),
))
