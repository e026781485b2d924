"""Imports of the project library, beneficiaries, fund rows and the asset ledger: bad rows come back in the
退回表 with their reasons and nothing of them is written; budgets are kept across the file and the ledger;
the entry forms refuse the same rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.core.errors import UserFacingError
from gonggu.dataio.intake import intake_run
from gonggu.funds import services
from gonggu.funds.models import Asset, AssetIncome, FundUse, Payment, Project, ProjectBeneficiary
from gonggu.registry.factories import HouseholdFactory, PersonFactory

from .factories import allocation, fund_use, project

pytestmark = pytest.mark.django_db
P_HEAD = ("行政区划代码,项目编号,项目名称,项目年度,项目类型,经营性项目,中央衔接资金（元）,县级衔接资金（元）,联农带农机制,绩效目标,"
          "申报日期,审核论证日期,入库日期,竣工日期,验收日期")


def _csv(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_project_list_with_bad_rows(regions, county_admin, login, tmp_path):
    v, w = regions["village"].code, regions["village_c"].code
    path = _csv(tmp_path, "项目库.csv", [
        P_HEAD,
        f"{v},XM-1,食用菌大棚,2025,产业发展,是,500000,50000,务工带动,带动 40 户,2025-01-10,2025-01-20,2025-02-01,,",
        f"{w},XM-2,通村道路,2025,基础设施,否,,,,,2025-01-10,,,,",                                    # no funds
        f"{v},XM-3,冷库,2025,产业,是,300000,,入股分红,带动 20 户,2025-01-10,2025-01-20,2025-02-01,"
        "2025-06-01,2025-05-30",                                                                   # accepted before completed
        f"{v},XM-4,光伏电站,2025,产业发展,是,三十万,,分红,带动,2025-01-10,,,,",                       # amount as text
        "410122100299,XM-5,村道,2025,基础设施,否,1000,,,道路 2 公里,2025-01-10,,,,",                    # unknown village
        f"{v},XM-6,养殖场,2025,产业发展,是,1000,,,带动 5 户,2025-01-10,2025-01-20,2025-02-01,,",          # no mechanism
        f"{regions['other_village'].code},XM-7,村道,2025,基础设施,否,1000,,,道路,2025-01-10,,,,",         # other county
        f"{w},XM-8,村道,2025,基础设施,否,1000,,,道路 2 公里,2025-01-10,2025-01-12,,,",
    ])
    result = intake_run("ledger.project", path=path, user=county_admin)
    assert (result.rows, result.accepted, result.rejected_rows) == (8, 2, 6)
    reasons = {p.row: p.reason for p in result.rejected}
    assert "没有填写计划资金" in reasons[3]
    assert "验收日期（2025-05-30）早于竣工日期（2025-06-01）" in reasons[4]
    assert "「三十万」不是金额" in reasons[5]
    assert "不是已导入的区划" in reasons[6] and "联农带农" in reasons[7] and "管辖" in reasons[8]
    assert set(Project.objects.values_list("project_no", "status")) == {("XM-1", "library"), ("XM-8", "reviewed")}
    p = Project.objects.get(project_no="XM-1")
    assert p.central_funds == Decimal("500000.00") and p.operating and p.batch_id == result.batch.pk

    returned = _rows(login(county_admin).post(reverse("intake_returns", args=[result.batch.pk])).content)
    assert returned[0][-1] == "错误原因" and [r[1] for r in returned[1:]] == ["XM-2", "XM-3", "XM-4", "XM-5", "XM-6",
                                                                          "XM-7"]


def test_dates_out_of_order_and_missing_steps(regions, county_admin, tmp_path):
    v = regions["village"].code
    path = _csv(tmp_path, "项目库.csv", [
        P_HEAD,
        f"{v},XM-1,冷库,2025,产业发展,否,3000,,,带动 20 户,2025-01-10,2025-01-20,2025-02-01,2025-06-01,2025-05-30",
        f"{v},XM-2,冷库,2025,产业发展,否,3000,,,带动 20 户,2025-01-10,,2025-02-01,,",
    ])
    result = intake_run("ledger.project", path=path, user=county_admin)
    reasons = {p.row: p.reason for p in result.rejected}
    assert "验收日期（2025-05-30）早于竣工日期（2025-06-01）" in reasons[2]
    assert "缺少审核论证日期" in reasons[3] and not Project.objects.exists()


def test_reimport_moves_a_project_on_and_keeps_its_number(regions, county_admin, tmp_path):
    v = regions["village"].code
    row = f"{v},XM-1,冷库,2025,产业发展,否,3000,,,带动 20 户,2025-01-10,2025-01-20,"
    intake_run("ledger.project", path=_csv(tmp_path, "1.csv", [P_HEAD, row + ",,"]), user=county_admin)
    assert Project.objects.get().status == "reviewed"
    intake_run("ledger.project", path=_csv(tmp_path, "2.csv", [P_HEAD, row + "2025-02-01,,"]), user=county_admin)
    assert Project.objects.get().status == "library"
    # The same number for a project of another village is refused, not moved.
    other = intake_run("ledger.project", path=_csv(tmp_path, "3.csv", [
        P_HEAD, f"{regions['village_b'].code},XM-1,冷库,2025,产业发展,否,3000,,,带动,2025-01-10,,,,"]), user=county_admin)
    assert "已用于另一村" in other.rejected[0].reason and Project.objects.get().region_code == v


def test_beneficiaries_by_identity_number(regions, county_admin, tmp_path):
    p = project(regions["village"].code, no="XM-1")
    member = PersonFactory(household=HouseholdFactory(village=regions["village"]))
    path = _csv(tmp_path, "受益.csv", [
        "身份证号,姓名,项目编号,受益方式",
        f"{member.id_number},{member.name},XM-1,务工",
        "410122199001011230,张三,XM-1,务工",            # bad checksum
        f"{member.id_number},{member.name},XM-9,分红",    # no such project
    ])
    result = intake_run("ledger.project_beneficiary", path=path, user=county_admin)
    reasons = {r.row: r.reason for r in result.rejected}
    assert result.accepted == 1 and "校验位错误" in reasons[3]
    assert "没有编号为「XM-9」" in reasons[4]
    assert ProjectBeneficiary.objects.get().project_no == p.project_no


def test_fund_use_stays_within_the_allocation_and_payments_within_the_budget(regions, county_admin, tmp_path):
    county = regions["county"].code
    v = regions["village"].code
    a = allocation(county, doc_no="豫财农〔2025〕12号", amount="1000", issued=dt.date(2025, 3, 3), source="中央")
    project(v, no="XM-1")
    project(v, no="XM-2")
    project(v, no="XM-3")
    result = intake_run("ledger.fund_use", path=_csv(tmp_path, "执行.csv", [
        "行政区划代码,下达文号,项目编号,预算执行日期,安排金额（元）",
        f"{county},豫财农〔2025〕12号,XM-1,2025-03-05,600",
        f"{county},豫财农〔2025〕12号,XM-2,2025-03-05,500",        # 600 + 500 > 1000
        f"{county},豫财农〔2025〕99号,XM-2,2025-03-05,100",        # no such allocation
        f"{county},豫财农〔2025〕12号,XM-9,2025-03-05,100",        # no such project
        f"{county},豫财农〔2025〕12号,XM-3,2025-03-01,100",        # before the allocation
        f"{county},豫财农〔2025〕12号,XM-2,2025-03-06,-100",       # negative
    ]), user=county_admin)
    reasons = {r.row: r.reason for r in result.rejected}
    assert result.accepted == 1 and "超出下达金额" in reasons[3] and "尚可安排 400.00 元" in reasons[3]
    assert "请先登记资金下达" in reasons[4] and "没有编号为「XM-9」" in reasons[5]
    assert "早于资金下达日期" in reasons[6] and "负数" in reasons[7]
    assert FundUse.objects.get().amount == Decimal("600.00") and a.amount == Decimal("1000")

    result = intake_run("ledger.payment", path=_csv(tmp_path, "拨付.csv", [
        "行政区划代码,拨付凭证号,项目编号,拨付日期,拨付类型,拨付金额（元）,收款单位",
        f"{county},PZ-1,XM-1,2025-04-01,预付款,300,东村合作社",
        f"{county},PZ-2,XM-1,2025-05-01,进度款,300,东村合作社",
        f"{county},PZ-3,XM-1,2025-06-01,结算款,0.01,东村合作社",     # beyond the 600 arranged
        f"{county},PZ-4,XM-2,2025-06-01,进度款,10,东村合作社",       # nothing arranged to XM-2
    ]), user=county_admin)
    reasons = {r.row: r.reason for r in result.rejected}
    assert result.accepted == 2 and "拨付超出预算" in reasons[4] and "已拨付 600.00 元" in reasons[4]
    assert "已安排资金 0 元" in reasons[5]
    with pytest.raises(UserFacingError, match="拨付超出预算"):
        services.payment_record(user=county_admin, region_code=county, voucher_no="PZ-5", project_no="XM-1",
                                paid_on=dt.date(2025, 6, 2), kind="结算款", amount=Decimal("1"))
    with pytest.raises(UserFacingError, match="大于 0"):
        services.payment_record(user=county_admin, region_code=county, voucher_no="PZ-6", project_no="XM-1",
                                paid_on=dt.date(2025, 6, 2), kind="结算款", amount=Decimal("-5"))
    assert Payment.objects.count() == 2
    # Re-importing the same voucher with a corrected amount replaces it rather than adding to it.
    again = intake_run("ledger.payment", path=_csv(tmp_path, "拨付2.csv", [
        "行政区划代码,拨付凭证号,项目编号,拨付日期,拨付类型,拨付金额（元）,收款单位",
        f"{county},PZ-2,XM-1,2025-05-01,进度款,299,东村合作社"]), user=county_admin)
    assert again.written.updated == 1 and Payment.objects.count() == 2


def test_asset_ledger_and_income(regions, county_admin, tmp_path):
    v = regions["village"].code
    project(v, no="XM-1")
    result = intake_run("ledger.asset", path=_csv(tmp_path, "资产.csv", [
        "行政区划代码,资产编号,资产名称,形成项目编号,资产类别,所有权人,管护（经营）主体,资产原值（元）,形成日期,确权登记日期,"
        "光伏帮扶电站,故障率（%）,实时在线率（%）",
        f"{v},ZC-1,食用菌大棚,XM-1,经营性,东村股份经济合作社,某合作社,550000,2025-06-01,2025-07-01,否,,",
        f"{v},ZC-2,村级光伏电站,,经营性,东村股份经济合作社,县光伏运维公司,300000,2018-06-01,2018-09-01,是,0.5,99.6",
        f"{v},ZC-3,村级光伏电站,,经营性,东村股份经济合作社,县光伏运维公司,300000,2018-06-01,2018-09-01,是,,",
        f"{v},ZC-4,道路,XM-9,公益性,乡政府,村委会,100000,2025-06-01,,否,,",
        f"{v},ZC-5,道路,,公益性,乡政府,村委会,100000,2025-06-01,2025-05-01,否,,",
        f"{v},ZC-6,道路,,公益,乡政府,村委会,100000,2025-06-01,,否,,",
    ]), user=county_admin)
    reasons = {r.row: r.reason for r in result.rejected}
    assert result.accepted == 2 and "故障率和实时在线率" in reasons[4] and "没有编号为「XM-9」" in reasons[5]
    assert "早于形成日期" in reasons[6] and "不是允许的取值" in reasons[7]
    assert Asset.objects.get(asset_no="ZC-2").pv_online_rate == Decimal("99.60")

    result = intake_run("ledger.asset_income", path=_csv(tmp_path, "收益.csv", [
        "行政区划代码,资产编号,收益年度,收益金额（元）,已分配金额（元）,分配方式,分配方案已公开",
        f"{v},ZC-2,2025,48000,40000,设置公益岗位,是",
        f"{v},ZC-2,2024,48000,50000,设置公益岗位,是",
        f"{v},ZC-9,2025,100,0,,否",
    ]), user=county_admin)
    reasons = {r.row: r.reason for r in result.rejected}
    assert result.accepted == 1 and "超过收益金额" in reasons[3] and "资产台账中没有" in reasons[4]
    assert AssetIncome.objects.get().distribution == "设置公益岗位"


def test_the_entry_form_refuses_a_payment_above_the_budget(regions, county_admin, login):
    county = regions["county"].code
    a = allocation(county, amount="1000")
    fund_use(a, project(regions["village"].code, no="XM-1"), amount="500")
    client = login(county_admin)
    data = {"region_code": county, "voucher_no": "PZ-1", "project_no": "XM-1", "paid_on": "2025-04-01",
            "kind": "进度款", "amount": "500.01", "payee": ""}
    page = client.post(reverse("ledger_new", args=["payment"]), data).content.decode()
    assert "拨付超出预算" in page and not Payment.objects.exists()
    client.post(reverse("ledger_new", args=["payment"]), {**data, "amount": "500"})
    assert Payment.objects.get().amount == Decimal("500.00")


def test_consumption_purchases(regions, county_admin, tmp_path):
    county = regions["county"].code
    result = intake_run("ledger.consumption_purchase", path=_csv(tmp_path, "消费帮扶.csv", [
        "行政区划代码,预算单位,年度,食堂食材采购总额（元）,832平台采购脱贫地区农副产品（元）",
        f"{county},县乡村振兴局,2025,200000,25000",
        f"{county},县教育局,2025,100000,120000",
        f"{county},县财政局,2025,十万,0",
    ]), user=county_admin)
    reasons = {r.row: r.reason for r in result.rejected}
    assert result.accepted == 1 and "超过食堂食材采购总额" in reasons[3] and "不是金额" in reasons[4]


def test_a_clerk_proposes_on_the_form_but_cannot_set_a_later_step(regions, village_clerk, county_admin,
                                                                   department_user, login, tmp_path):
    data = {"region_code": regions["village"].code, "project_no": "XM-1", "name": "东村冷库", "year": "2025",
            "project_type": "产业发展", "central_funds": "1000", "provincial_funds": "0", "city_funds": "0",
            "county_funds": "0", "other_funds": "0", "performance_targets": "带动 10 户", "link_mechanism": "",
            "proposed_on": "2025-01-10"}
    client = login(village_clerk)
    refused = client.post(reverse("ledger_new", args=["project"]), {**data, "reviewed_on": "2025-01-20",
                                                                    "entered_on": "2025-02-01"})
    assert "不能填写或修改审核论证日期" in refused.content.decode() and not Project.objects.exists()
    client.post(reverse("ledger_new", args=["project"]), data)
    p = Project.objects.get()
    assert p.status == "proposed" and p.created_by == village_clerk
    # The county sets the steps' dates (the status follows); a department user may not import the library.
    login(county_admin).post(reverse("ledger_edit", args=["project", p.pk]),
                             {**data, "reviewed_on": "2025-01-20", "version": p.updated_at.isoformat()})
    p.refresh_from_db()
    assert p.status == "reviewed"
    path = _csv(tmp_path, "项目库.csv", [P_HEAD, f"{regions['village'].code},XM-2,冷库,2025,产业发展,否,3000,,,带动,"
                                               "2025-01-10,,,,"])
    with pytest.raises(UserFacingError):
        intake_run("ledger.project", path=path, user=department_user)
