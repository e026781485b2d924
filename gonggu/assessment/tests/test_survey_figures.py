"""Indicator 12: the survey figures read the latest survey's answers (rates, coverage, negative answers)."""

import datetime as dt

import pytest

from gonggu.assessment.figures import FIGURES, EvalContext, evaluate
from gonggu.surveys.questionnaires import Q2025
from gonggu.surveys.services import answers_save, survey_draw

from .factories import household

pytestmark = pytest.mark.django_db
ALL_YES = {q.key: q.options[0][0] for q in Q2025.questions}
ALL_NO = {q.key: q.options[-1][0] for q in Q2025.questions}


def test_survey_figures(regions, county_admin):
    for key, n in (("village", 4), ("village_c", 2)):
        for _ in range(n):
            household(regions[key])
    ctx = EvalContext(prefix=regions["county"].prefix, today=dt.date(2025, 11, 3))
    before = evaluate(FIGURES["SURVEY-POLICY"], ctx, "410122", regions["county"].code)
    assert before.status == "nodata" and "尚未开展入户问卷" in before.missing.text()

    survey = survey_draw(user=county_admin, region=regions["county"], title="问卷", per_village=5, seed=7,
                         today=dt.date(2025, 11, 1))
    east = list(survey.entries.filter(region_code=regions["village"].code))
    answers_save(entry=east[0], data=ALL_YES, channel="cadre", user=county_admin)
    answers_save(entry=east[1], data=ALL_NO, channel="cadre", user=county_admin)
    answers_save(entry=east[2], data={**ALL_YES, "q1": "说不清"}, channel="household")

    ctx = EvalContext(prefix=regions["county"].prefix, today=dt.date(2025, 11, 3))
    r = evaluate(FIGURES["SURVEY-ACHIEVEMENT"], ctx, regions["county"].prefix, regions["county"].code)
    assert (r.numerator, r.denominator, r.display, r.status) == (3, 6, "50.00%", "watch")
    assert "入户问卷《问卷》" in r.basis and "巩固脱贫成果群众认可度" in r.target.quote
    assert r.figure.indicator == "12"
    cov = evaluate(FIGURES["SURVEY-COVERAGE"], ctx, regions["township"].prefix, regions["township"].code)
    assert (cov.numerator, cov.denominator) == (3, 4)
    assert evaluate(FIGURES["SURVEY-COVERAGE"], ctx, regions["township2"].prefix,
                    regions["township2"].code).numerator == 0
    drill = FIGURES["SURVEY-ACHIEVEMENT"].drill(ctx, regions["county"].prefix)
    rows = [drill.row(a) for a in drill.queryset]
    assert [(x.household_no, x.detail) for x in rows] == [
        (east[1].household_no, "您对本村巩固脱贫成果、防止返贫的总体情况满意吗？ 答：说不清"),
        (east[1].household_no, "近两年您家的生活条件有没有改善？ 答：变差了"),
        (east[2].household_no, "您对本村巩固脱贫成果、防止返贫的总体情况满意吗？ 答：说不清")]
