"""Every page: permission (403), out of scope (404 like missing), login, and the main forms through the views."""

import io

import docx
import pytest
from django.urls import reverse

from conftest import make_user
from gonggu.accounts.permissions import Role

from .. import services as s
from ..models import Notice, Objection
from ..workflow import CaseStatus
from .factories import CaseFactory, ClueFactory, household, measure, png, visit
from .test_workflow import D, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions, village_clerk):
    hh = household(regions["village"])
    case = CaseFactory(household=hh, status=CaseStatus.MONITORING, county_approved_on=D(2025, 1, 14))
    m = measure(case, "就业帮扶", D(2025, 1, 20))
    v = visit(case, D(2025, 2, 1))
    v.photos = [{"path": str(_photo_file()), "sha256": "", "name": "p.png"}]
    v.save()
    clue = ClueFactory(household=household(regions["village"]))
    notice = Notice.objects.create(kind=Notice.Kind.IDENT_NOTICE, village=regions["village"],
                                   region_code=regions["village"].code, issuer="东村村民委员会", title="东村公示",
                                   start_on=D(2025, 1, 5), end_on=D(2025, 1, 9), photo_path=str(_photo_file()))
    notice.cases.add(case)
    objection = Objection.objects.create(notice=notice, case=case, received_on=D(2025, 1, 6), content="有异议")
    case.commitment_scan = str(_photo_file())
    case.save()
    return {"case": case, "household": hh, "measure": m, "visit": v, "clue": clue, "notice": notice,
            "objection": objection}


def _photo_file():
    from django.conf import settings

    path = settings.DATA_DIR / "test-photo.png"
    path.write_bytes(png().read())
    return path


def pages(w):
    c, n = w["case"].pk, w["notice"].pk
    return [
        ("monitoring:queue", []), ("monitoring:clue_list", []), ("monitoring:case_list", []),
        ("monitoring:notice_list", []), ("monitoring:compliance", []), ("monitoring:limits", []),
        ("monitoring:household_options", []),
        ("monitoring:clue_detail", [w["clue"].pk]), ("monitoring:case_detail", [c]),
        ("monitoring:household_timeline", [w["household"].pk]), ("monitoring:notice_detail", [n]),
        ("monitoring:notice_print", [n]), ("monitoring:notice_photo", [n]),
        ("monitoring:commitment_scan", [c]), ("monitoring:visit_photo", [w["visit"].pk, 0]),
    ]


OBJECT_PAGES = {"monitoring:clue_detail", "monitoring:case_detail", "monitoring:household_timeline",
                "monitoring:notice_detail", "monitoring:notice_print",
                "monitoring:notice_photo", "monitoring:commitment_scan", "monitoring:visit_photo"}


def posts(w):
    c = w["case"].pk
    return [
        ("monitoring:case_step", [c, "verify"]), ("monitoring:case_batch", ["select"]), ("monitoring:case_green", [c]),
        ("monitoring:case_officer", [c]), ("monitoring:case_plan", [c]), ("monitoring:measure_new", [c]),
        ("monitoring:measure_end", [w["measure"].pk]), ("monitoring:elimination_step", [c, "start"]),
        ("monitoring:nolabour_step", [c, "start"]), ("monitoring:notice_posting", [w["notice"].pk]),
        ("monitoring:objection_new", [w["notice"].pk]), ("monitoring:objection_resolve", [w["objection"].pk]),
    ]


def test_pages_for_the_village_clerk(world, login, village_clerk):
    client = login(village_clerk)
    for name, args in pages(world):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    assert client.get(reverse("monitoring:visit_new", args=[world["case"].pk])).status_code == 200


def test_anonymous_is_sent_to_login(world, client):
    for name, args in pages(world):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/login" in response["Location"], name


def test_a_user_without_role_gets_403(world, login, regions):
    nobody = make_user("nobody", "", regions["county"])
    client = login(nobody)
    for name, args in pages(world):
        assert client.get(reverse(name, args=args)).status_code == 403, name
    for name, args in posts(world):
        assert client.post(reverse(name, args=args)).status_code == 403, name


def test_actions_need_an_acting_role(world, login, department_user, leader):
    for user in (department_user, leader):
        client = login(user)
        for name, args in posts(world):
            assert client.post(reverse(name, args=args)).status_code == 403, (user, name)
        assert client.get(reverse("monitoring:visit_new", args=[world["case"].pk])).status_code == 403


def test_other_county_sees_not_found(world, login, other_county_user):
    client = login(other_county_user)
    for name, args in pages(world):
        if name in OBJECT_PAGES:
            assert client.get(reverse(name, args=args)).status_code == 404, name
    for name, args in posts(world):
        if name != "monitoring:case_batch":
            assert client.post(reverse(name, args=args)).status_code == 404, name
    assert client.get(reverse("monitoring:visit_new", args=[world["case"].pk])).status_code == 404
    # Lists show nothing of the other county.
    assert world["household"].household_no not in client.get(reverse("monitoring:case_list")).content.decode()


def test_other_village_clerk_sees_not_found(world, login, regions):
    far = make_user("far_clerk", Role.VILLAGE_CLERK, regions["village_c"])
    client = login(far)
    assert client.get(reverse("monitoring:case_detail", args=[world["case"].pk])).status_code == 404
    assert client.post(reverse("monitoring:notice_docx", args=[world["notice"].pk])).status_code == 404


def test_notice_docx_opens_with_masked_numbers(world, login, village_clerk):
    client = login(village_clerk)
    assert client.get(reverse("monitoring:notice_docx", args=[world["notice"].pk])).status_code == 405
    response = client.post(reverse("monitoring:notice_docx", args=[world["notice"].pk]))
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    head = world["household"].members.get()
    assert "东村公示" in text and "东村村民委员会" in text and "5 天" in text
    assert head.name in cells and head.id_number not in cells
    assert head.id_number[:6] + "********" + head.id_number[-4:] in cells


def test_step_through_the_view_and_refusal_message(regions, login, village_clerk, township_reviewer):
    hh = household(regions["village"])
    clue = ClueFactory(household=hh, discovered_on=D(2025, 3, 3))
    client = login(village_clerk)
    with at("2025-03-03"):
        response = client.post(reverse("monitoring:clue_detail", args=[clue.pk]), {"action": "open"})
        case = hh.monitoring_cases.get()
        assert response.status_code == 302
        url = reverse("monitoring:case_step", args=[case.pk, "verify"])
        response = client.post(url, {"verified_on": "2025-03-03", "findings": "因病", "monitoring_type": "边缘易致贫户",
                                     "risk_types": ["因病"], "commitment_signed_on": "2025-03-03"}, follow=True)
        assert "请上传签字的承诺授权书" in response.content.decode()
        case.refresh_from_db()
        assert case.status == CaseStatus.VERIFYING
        response = client.post(url, {"verified_on": "2025-03-03", "findings": "因病", "monitoring_type": "边缘易致贫户",
                                     "risk_types": ["因病"], "commitment_signed_on": "2025-03-03",
                                     "commitment_scan": png()})
        case.refresh_from_db()
        assert case.status == CaseStatus.COMPARING
    # The township reviewer cannot do the village's comparison step.
    with at("2025-03-03"):
        page = login(township_reviewer).post(reverse("monitoring:case_step", args=[case.pk, "compare"]), follow=True)
    assert "您的角色不能办理村级步骤" in page.content.decode()


def test_batch_selection_and_queue(regions, login, village_clerk):
    cases = [CaseFactory(household=household(regions["village"]), status=CaseStatus.SELECTING,
                         county_approved_on=None, discovered_on=D(2025, 3, 1)) for _ in range(2)]
    client = login(village_clerk)
    with at("2025-03-03"):
        queue = client.get(reverse("monitoring:queue")).content.decode()
        assert "村级初选并公示" in queue and "识别认定时限剩" in queue
        response = client.post(reverse("monitoring:case_batch", args=["select"]), {
            "case": [c.pk for c in cases], "notice_start": "2025-03-04", "notice_end": "2025-03-08"})
    notice = Notice.objects.get()
    assert response.status_code == 302 and notice.cases.count() == 2


def test_compliance_page_by_village_and_drill_down(regions, login, county_admin):
    CaseFactory(household=household(regions["village"]), discovered_on=D(2025, 1, 1),
                county_approved_on=D(2025, 1, 20))
    client = login(county_admin)
    assert "尚未进行程序合规检查" in client.get(reverse("monitoring:compliance")).content.decode()
    response = client.post(reverse("monitoring:compliance"), {"as_of": "2025-02-01"})
    assert response.status_code == 302
    page = client.get(reverse("monitoring:compliance")).content.decode()
    assert "东村" in page and "C-IDENTIFY-15D" in page and "检查日 2025-02-01" in page
    drill = client.get(reverse("monitoring:compliance"), {"village": regions["village"].code,
                                                          "rule": "C-IDENTIFY-15D"}).content.decode()
    assert "历时 19 天" in drill


def test_compliance_page_reads_the_latest_run_without_running_the_engine(regions, login, county_admin):
    from gonggu.rules.models import RuleRun

    CaseFactory(household=household(regions["village"]), discovered_on=D(2025, 1, 1),
                county_approved_on=D(2025, 1, 20))
    client = login(county_admin)
    client.post(reverse("monitoring:compliance"), {"as_of": "2025-02-01"})
    runs = RuleRun.objects.count()
    for _ in range(3):
        page = client.get(reverse("monitoring:compliance")).content.decode()
        assert "C-IDENTIFY-15D" in page
    assert RuleRun.objects.count() == runs


def test_limits_page_edit_needs_manage_rules(login, village_clerk, county_admin, regions):
    assert login(village_clerk).post(reverse("monitoring:limits"), {"action": "limit", "code": "identify",
                                                                    "days": 20, "amber_days": 3}).status_code == 404
    client = login(county_admin)
    client.post(reverse("monitoring:limits"), {"action": "limit", "code": "identify", "days": 20, "amber_days": 3,
                                               "working": "on"})
    page = client.get(reverse("monitoring:limits")).content.decode()
    assert 'value="20"' in page


def test_timeline_in_date_order(world, login, village_clerk):
    with at("2025-02-10"):
        s.visit_record(case=world["case"], user=village_clerk, visited_on=D(2025, 2, 10), content="二月走访")
    page = login(village_clerk).get(reverse("monitoring:household_timeline", args=[world["household"].pk]))
    html = page.content.decode()
    assert html.index("2024-12-31") < html.index("2025-01-05") < html.index("2025-01-20") < html.index("2025-02-10")
