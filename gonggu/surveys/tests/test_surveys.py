"""Surveys: a reproducible sample per village, answers by cadres and by households with a one-time code,
rates per village and township with the coverage, exports, scope; and the indicator-12 figures."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.registry.models import Household
from gonggu.surveys.models import Answer, SampleEntry, Survey
from gonggu.surveys.questionnaires import Q2025
from gonggu.surveys.services import answers_save, entry_by_code, sample_households, survey_draw, survey_rates

pytestmark = pytest.mark.django_db
ALL_YES = {q.key: q.options[0][0] for q in Q2025.questions}
ALL_NO = {q.key: q.options[-1][0] for q in Q2025.questions}


@pytest.fixture
def registry(regions):
    """东村 8 households, 西村 3, 南村 4 (北村 none), and 2 in another county."""
    made = []
    for key, n in (("village", 8), ("village_b", 3), ("village_c", 4), ("other_village", 2)):
        v = regions[key]
        for i in range(n):
            made.append(Household.objects.create(household_no=f"{v.code[-6:]}{i:03d}", county_code=v.code[:6],
                                                 village=v, region_code=v.code, household_type="脱贫户",
                                                 head_name=f"户主{v.name}{i}"))
    return made


def test_sample_is_per_village_reproducible_and_scoped(registry, regions, county_admin):
    survey = survey_draw(user=county_admin, region=regions["county"], title="问卷", per_village=5, seed=7)
    by_village = {}
    for e in survey.entries.all():
        by_village.setdefault(e.region_code, []).append(e.household_no)
    assert {k: len(v) for k, v in by_village.items()} == {
        regions["village"].code: 5, regions["village_b"].code: 3, regions["village_c"].code: 4}
    again = sample_households(regions["county"], 5, 7)
    assert {c: [h["household_no"] for h in hs] for c, hs in again.items()} == by_village
    other_seed = sample_households(regions["county"], 5, 8)
    assert [h["household_no"] for h in other_seed[regions["village"].code]] != by_village[regions["village"].code]
    codes = list(survey.entries.values_list("code", flat=True))
    assert len(set(codes)) == len(codes) == 12 and all(len(c) == 8 for c in codes)
    for bad, message in ((dict(per_village=0, seed=1), "1 到 200"), (dict(per_village="x", seed=1), "整数"),
                         (dict(per_village=5, seed=-1), "随机种子")):
        with pytest.raises(UserFacingError, match=message):
            survey_draw(user=county_admin, region=regions["county"], title="问卷", **bad)
    with pytest.raises(UserFacingError, match="没有农户"):
        survey_draw(user=county_admin, region=regions["village_d"], title="问卷", per_village=5, seed=1)


def test_answers_rates_and_coverage(registry, regions, county_admin):
    survey = survey_draw(user=county_admin, region=regions["county"], title="问卷", per_village=5, seed=7,
                         today=dt.date(2025, 11, 1))
    east = list(survey.entries.filter(region_code=regions["village"].code))
    west = list(survey.entries.filter(region_code=regions["village_b"].code))
    answers_save(entry=east[0], data=ALL_YES, channel="cadre", user=county_admin)
    answers_save(entry=east[1], data=ALL_NO, channel="cadre", user=county_admin)
    # The household itself, with its code (lower case and spaces are forgiven), once only.
    code = west[0].code
    entry = entry_by_code(f" {code[:4].lower()} {code[4:]} ")
    answers_save(entry=entry, data=ALL_YES, channel="household")
    with pytest.raises(UserFacingError, match="已经用过"):
        entry_by_code(code)
    with pytest.raises(UserFacingError, match="已经用过"):
        answers_save(entry=entry, data=ALL_NO, channel="household")
    with pytest.raises(UserFacingError, match="填写码不正确"):
        entry_by_code("ABC")
    with pytest.raises(UserFacingError, match="还有 1 题没有选择"):
        answers_save(entry=east[2], data={**ALL_YES, "q9": "也许"}, channel="cadre")
    assert not Answer.objects.filter(entry=east[2]).exists()
    # A cadre corrects an answer: replaced, not added.
    answers_save(entry=east[1], data=ALL_NO, channel="cadre", user=county_admin)
    assert Answer.objects.filter(entry=east[1]).count() == len(Q2025.questions)

    total, rows = survey_rates(survey, regions["county"].prefix)
    assert (total.sampled, total.answered, str(total.coverage)) == (12, 3, "0.2500")
    assert str(total.rate("achievement")) == "0.6667"                # 4 of 6 answers
    rows_by = {r.code: r for r in rows}
    assert str(rows_by[regions["village"].code].rate("policy")) == "0.5000"
    assert rows_by[regions["township"].code].answered == 3 and rows_by[regions["township2"].code].answered == 0
    assert rows_by[regions["village_c"].code].rate("policy") is None
    assert [r.code for r in rows][:3] == [regions["township"].code, regions["village"].code, regions["village_b"].code]



def test_pages_cadre_form_public_code_export_and_scope(client, login, county_admin, village_clerk, leader,
                                                       other_county_user, registry, regions):
    admin = login(county_admin)
    response = admin.post(reverse("surveys:new"), {"title": "2025 年入户问卷", "per_village": "2", "seed": "3"})
    survey = Survey.objects.get()
    assert response["Location"] == reverse("surveys:detail", args=[survey.pk])
    assert "每村抽样户数应在" in admin.post(reverse("surveys:new"), {"title": "x", "per_village": "0", "seed": "1"},
                                          follow=True).content.decode()
    assert login(leader).post(reverse("surveys:new"), {"title": "x", "per_village": "2", "seed": "1"}).status_code == 403

    clerk = login(village_clerk)
    sample = clerk.get(reverse("surveys:sample", args=[survey.pk])).content.decode()
    mine = list(survey.entries.filter(region_code=regions["village"].code))
    assert all(e.code in sample for e in mine) and survey.entries.exclude(region_code=regions["village"].code) \
        .first().code not in sample
    url = reverse("surveys:answer", args=[survey.pk, mine[0].pk])
    bad = clerk.post(url, {"q1": "满意"})
    assert bad.status_code == 400 and "还有 8 题没有选择" in bad.content.decode()
    response = clerk.post(url, ALL_YES)
    assert response["Location"] == reverse("surveys:answer", args=[survey.pk, mine[1].pk])   # the next household
    other = survey.entries.exclude(region_code=regions["village"].code).first()
    assert clerk.get(reverse("surveys:answer", args=[survey.pk, other.pk])).status_code == 404

    client.logout()
    start = client.post(reverse("surveys:public"), {"code": mine[1].code})
    assert start.status_code == 200 and Q2025.questions[0].text in start.content.decode()
    assert mine[1].head_name not in start.content.decode()             # only the surname is shown
    done = client.post(reverse("surveys:public"), {"code": mine[1].code, "step": "answers", **ALL_NO})
    assert "问卷已提交" in done.content.decode()
    assert SampleEntry.objects.get(pk=mine[1].pk).channel == "household"
    again = client.post(reverse("surveys:public"), {"code": mine[1].code})
    assert again.status_code == 400 and "已经用过" in again.content.decode()

    admin = login(county_admin)                     # one test client: the public part logged out
    detail = admin.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert "2 / 6" in detail and "50.0%" in detail and "东村" in detail and "城关镇" in detail
    response = admin.post(reverse("surveys:export", args=[survey.pk]))
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["样本户", "各村乡镇比率"]
    assert len(book.get_sheet_by_name("样本户").to_python()) == 7
    rates = book.get_sheet_by_name("各村乡镇比率").to_python()
    assert rates[1][:5] == ["合计", regions["county"].code, 6, 2, "33.3%"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="survey").exists()
    assert admin.get(reverse("surveys:export", args=[survey.pk])).status_code == 405
    assert login(other_county_user).get(reverse("surveys:detail", args=[survey.pk])).status_code == 404
