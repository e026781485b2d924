"""Clues from the four channels: public self-declaration, cadres, screening warnings, social information."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from conftest import make_user
from gonggu.accounts.permissions import Role
from gonggu.core.errors import UserFacingError
from gonggu.screening.models import Warning, WarningStatus
from gonggu.screening.services import warning_verify

from .. import services as s
from ..choices import Channel
from ..models import Clue, PublicCounter
from .factories import CaseFactory, household
from .test_workflow import D, at, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def hh(regions):
    return household(regions["village"])


def declaration(hh, **extra):
    head = hh.members.get()
    return {"name": head.name, "id_number": head.id_number, "phone": "13912345678",
            "village": hh.region_code, "difficulty": "妻子住院，花了五万多", "risk_types": ["因病"], **extra}


def test_public_page_needs_no_login_and_works_on_phones(client, regions):
    page = client.get(reverse("monitoring:declare"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="id_number"' in html and "一键申报" in html and 'name="viewport"' in html
    options = client.get(reverse("monitoring:declare_regions"), {"county": regions["county"].code})
    assert "城关镇" in options.content.decode() and "孝义街道" not in options.content.decode()
    villages = client.get(reverse("monitoring:declare_regions"), {"township": regions["township"].code})
    assert "东村" in villages.content.decode() and "南村" not in villages.content.decode()


def test_declaration_gives_a_receipt_and_never_echoes_personal_data(client, hh):
    data = declaration(hh)
    with at("2025-03-03"):
        response = client.post(reverse("monitoring:declare"), data)
    html = response.content.decode()
    assert response.status_code == 200
    clue = Clue.objects.get()
    assert clue.receipt_code in html
    assert data["id_number"] not in html and data["name"] not in html and data["phone"] not in html
    assert (clue.channel, clue.discovered_on, clue.household, clue.region_code) == (
        Channel.SELF_DECLARED, D(2025, 3, 3), hh, hh.region_code)
    status = client.post(reverse("monitoring:declare_status"), {"receipt": clue.receipt_code.lower(),
                                                               "phone_tail": "5678"})
    assert "等待村里入户核实" in status.content.decode()
    assert data["name"] not in status.content.decode()


def test_invalid_identity_number_is_refused_with_the_reason(client, hh):
    data = declaration(hh)
    data["id_number"] = data["id_number"][:17] + ("0" if data["id_number"][17] != "0" else "1")
    response = client.post(reverse("monitoring:declare"), data)
    assert response.status_code == 400
    assert "身份证号有误：身份证号校验位错误" in response.content.decode()
    assert not Clue.objects.exists()


def _public_answer(response) -> str:
    """What the public page tells the declarant, without the receipt code itself."""
    html = re.sub(r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return html


def test_the_answer_never_depends_on_whether_the_number_is_known(client, hh, regions):
    """Unknown number, registered household, a second declaration, a household in a procedure: one answer."""
    from gonggu.registry.models import Person

    unknown = dict(declaration(hh), id_number="110101199003070011")
    assert not Person.objects.filter(id_number=unknown["id_number"]).exists()
    answers = []
    with at("2025-03-03"):
        answers.append(client.post(reverse("monitoring:declare"), unknown))
        answers.append(client.post(reverse("monitoring:declare"), declaration(hh)))
        PublicCounter.objects.all().delete()
        answers.append(client.post(reverse("monitoring:declare"), declaration(hh, difficulty="再次申报")))
        CaseFactory(household=hh, status="notice", county_approved_on=None)
        answers.append(client.post(reverse("monitoring:declare"), declaration(hh, difficulty="三次申报")))
    assert [a.status_code for a in answers] == [200] * 4
    texts = {_public_answer(a).replace(c.receipt_code, "RECEIPT") for a, c in
             zip(answers, Clue.objects.order_by("id"), strict=True)}
    assert len(texts) == 1
    assert "正在办理" not in texts.pop()
    # The village sees the repeats for what they are.
    third, fourth = Clue.objects.order_by("id")[2:4]
    assert "重复申报" in third.source_note and "监测识别程序正在办理" in fourth.source_note


def test_status_needs_the_receipt_and_the_phone_digits(client, hh):
    with at("2025-03-03"):
        clue = s.clue_declare(**{k: v for k, v in declaration(hh).items() if k != "village"},
                              village_code=hh.region_code)
        wrong = client.post(reverse("monitoring:declare_status"), {"receipt": clue.receipt_code, "phone_tail": "0000"})
        unknown = client.post(reverse("monitoring:declare_status"), {"receipt": "ZZZZ-ZZZZ", "phone_tail": "5678"})
        right = client.post(reverse("monitoring:declare_status"), {"receipt": clue.receipt_code, "phone_tail": "5678"})
    assert "等待村里入户核实" not in wrong.content.decode()
    assert _public_answer(wrong) == _public_answer(unknown)
    assert "没有找到这份申报" in unknown.content.decode()
    assert "等待村里入户核实" in right.content.decode()


def test_repeated_submissions_must_answer_a_question(client, hh, regions):
    from ..challenge import _KEY

    other = household(regions["village_b"])
    with at("2025-03-03"):
        for _ in range(2):
            assert client.post(reverse("monitoring:declare"), declaration(other)).status_code == 200
        page = client.get(reverse("monitoring:declare")).content.decode()
        assert "验证问题" in page
        refused = client.post(reverse("monitoring:declare"), declaration(hh, challenge="99"))
        assert refused.status_code == 400 and "请先回答下面的验证问题" in refused.content.decode()
        assert Clue.objects.count() == 2
        answer = client.session[_KEY]
        accepted = client.post(reverse("monitoring:declare"), declaration(hh, challenge=answer))
    assert accepted.status_code == 200 and Clue.objects.count() == 3


def test_rate_limit_counts_the_address_the_trusted_proxy_reports(client, hh, regions, settings):
    settings.GONGGU_TRUSTED_PROXIES = ["10.0.0.5"]
    other = household(regions["village_b"])
    via_nginx = {"REMOTE_ADDR": "10.0.0.5"}
    with at("2025-03-03"):
        # One client rotating a forged first X-Forwarded-For entry is still one client.
        for n in range(5):
            client.post(reverse("monitoring:declare"), declaration(other, id_number="bad"),
                        HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.7", **via_nginx)
        limited = client.post(reverse("monitoring:declare"), declaration(hh),
                              HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7", **via_nginx)
        other_client = client.post(reverse("monitoring:declare"), declaration(hh),
                                   HTTP_X_FORWARDED_FOR="203.0.113.8", **via_nginx)
    assert limited.status_code == 400 and "提交过于频繁" in limited.content.decode()
    assert other_client.status_code == 200


def test_rate_limit_per_address(client, hh, regions):
    other = household(regions["village_b"])
    with at("2025-03-03"):
        for _ in range(5):
            client.post(reverse("monitoring:declare"), declaration(other, id_number="bad"))
        response = client.post(reverse("monitoring:declare"), declaration(hh))
    assert response.status_code == 400 and "提交过于频繁" in response.content.decode()
    assert not Clue.objects.exists()
    assert PublicCounter.objects.get().count == 5
    with at("2025-03-04"):
        assert client.post(reverse("monitoring:declare"), declaration(hh)).status_code == 200


def test_unknown_receipt(client):
    response = client.post(reverse("monitoring:declare_status"), {"receipt": "ZZZZ-ZZZZ", "phone_tail": "1234"})
    assert "没有找到这份申报" in response.content.decode()


def test_cadre_clue_by_village_users_of_that_village(regions, hh, village_clerk, township_reviewer):
    other_clerk = make_user("west_clerk", Role.VILLAGE_CLERK, regions["village_b"])
    args = dict(channel=Channel.CADRE, village=regions["village"], household=hh, discovered_on=D(2025, 3, 1),
                difficulty="务工受伤", risk_types=["因意外事故"])
    with at("2025-03-03"):
        refused(s.clue_create, contains="村级步骤须由该户所在村", user=other_clerk, **args)
        refused(s.clue_create, contains="您的角色不能办理村级步骤", user=township_reviewer, **args)
        refused(s.clue_create, contains="发现日期不能晚于今天", user=village_clerk, **{**args, "discovered_on": D(2025, 3, 4)})
        refused(s.clue_create, contains="未知的风险类型", user=village_clerk, **{**args, "risk_types": ["因懒"]})
        clue = s.clue_create(user=village_clerk, **args)
        refused(s.clue_create, contains="已有待受理的线索", user=village_clerk, **args)
    assert clue.discovered_on == D(2025, 3, 1) and clue.created_by == village_clerk


def test_clue_for_a_household_with_an_open_case_is_refused_with_a_link(hh, village_clerk):
    # Issue #18 item 7: a household already monitored (or in identification) is handled on its case.
    case = CaseFactory(household=hh)
    args = dict(channel=Channel.CADRE, village=hh.village, household=hh, discovered_on=D(2025, 3, 1),
                difficulty="务工受伤", risk_types=["因意外事故"])
    with at("2025-03-03"):
        with pytest.raises(UserFacingError) as exc:
            s.clue_create(user=village_clerk, **args)
    assert "该户已有监测档案（监测帮扶中）" in exc.value.message
    assert exc.value.link == ("查看监测档案", reverse("monitoring:case_detail", args=[case.pk]))
    assert not Clue.objects.exists()
    # Once the risk is eliminated the case is closed and a new clue may be registered.
    case.status = "eliminated"
    case.save(update_fields=["status"])
    with at("2025-03-03"):
        assert s.clue_create(user=village_clerk, **args).household == hh


def test_clue_form_shows_the_link_to_the_open_case(hh, village_clerk, login):
    case = CaseFactory(household=hh, status="verifying")
    client = login(village_clerk)
    with at("2025-03-03"):
        page = client.post(reverse("monitoring:clue_new"), {
            "village": hh.region_code, "household": hh.pk, "discovered_on": "2025-03-01",
            "difficulty": "务工受伤", "risk_types": ["因意外事故"]})
    html = page.content.decode()
    assert page.status_code == 200
    assert "该户已有监测档案（待入户核实）" in html
    assert f'<a href="{reverse("monitoring:case_detail", args=[case.pk])}">查看监测档案</a>' in html
    assert not Clue.objects.exists()


def test_social_clue_by_county_users(regions, hh, county_admin, village_clerk, other_county_user):
    args = dict(channel=Channel.SOCIAL, village=regions["village"], household=hh, discovered_on=D(2025, 3, 1),
                difficulty="媒体报道该户因灾房屋倒塌", risk_types=["因灾"], source_note="县融媒体中心 3 月 1 日报道")
    with at("2025-03-03"):
        refused(s.clue_create, contains="由县级用户登记", user=village_clerk, **args)
        refused(s.clue_create, contains="由县级用户登记", user=other_county_user, **args)
        refused(s.clue_create, contains="请填写信息来源", user=county_admin, **{**args, "source_note": ""})
        clue = s.clue_create(user=county_admin, **args)
    assert clue.channel == Channel.SOCIAL


def test_screening_inclusion_opens_a_department_clue(hh, village_clerk):
    warning = Warning.objects.create(rule="MED-HIGH-EXPENSE", household=hh, region_code=hh.region_code, grade="red",
                                     risk_type="因病", detail="自付费用 45000 元", first_raised_on=D(2025, 3, 1),
                                     last_seen_on=D(2025, 3, 1), deadline=D(2025, 3, 4))
    with at("2025-03-03"):
        warning_verify(warning=warning, user=village_clerk, outcome=WarningStatus.INCLUDED, note="入户核实属实")
    clue = Clue.objects.get()
    assert clue.channel == Channel.DEPARTMENT and clue.warning_ref == warning.pk
    # The clock starts when the department data raised the warning, not when the village verified it.
    assert clue.discovered_on == D(2025, 3, 1)
    assert clue.risk_types == "因病" and "MED-HIGH-EXPENSE" in clue.difficulty


def test_dismiss_clue(hh, village_clerk):
    clue = s.clue_create(user=village_clerk, channel=Channel.CADRE, village=hh.village, household=hh,
                         discovered_on=dt.date.today(), difficulty="x", risk_types=[])
    refused(s.clue_dismiss, contains="请填写不予受理的理由", clue=clue, user=village_clerk, reason="")
    s.clue_dismiss(clue=clue, user=village_clerk, reason="经核实为一般困难，已对接临时救助")
    clue.refresh_from_db()
    assert clue.status == Clue.Status.DISMISSED
    refused(s.clue_dismiss, contains="已经处理过了", clue=clue, user=village_clerk, reason="x")
