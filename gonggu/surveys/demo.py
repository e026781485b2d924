"""Demo: a survey of the first township of the demo county (5 households a village), about two thirds
answered — by the village cadre on a phone, and a few by the households with their codes."""

from __future__ import annotations

from gonggu.core.codes import in_scope_q

from .models import SampleEntry, Survey
from .questionnaires import QUESTIONNAIRES
from .services import answers_save, survey_draw


def demo_surveys(ctx) -> dict:
    if not ctx.townships:
        return {}
    rng = ctx.rng.__class__(f"gonggu-surveys-{ctx.seed}")
    township = ctx.townships[0]
    user = ctx.users.get("admin")
    survey = survey_draw(user=user, region=township, title=f"{ctx.today.year} 年巩固成果入户问卷（示例）",
                         per_village=5, seed=ctx.seed, today=ctx.today)
    questionnaire = QUESTIONNAIRES[survey.questionnaire]
    cadre = ctx.users.get("cunyuan")
    answered = 0
    for i, entry in enumerate(survey.entries.order_by("region_code", "household_no")):
        if i % 3 == 2:
            continue                                  # not yet visited
        # Mostly positive answers, a few negative: rates like a real county's, never all 100%.
        data = {q.key: q.options[0 if rng.random() < 0.85 else rng.randrange(len(q.options))][0]
                for q in questionnaire.questions}
        channel = SampleEntry.Channel.HOUSEHOLD if i % 7 == 0 else SampleEntry.Channel.CADRE
        answers_save(entry=entry, data=data, channel=channel, user=cadre)
        answered += 1
    return {"survey_sample": survey.entries.count(), "survey_answered": answered}


def demo_clear(*, prefix: str) -> None:
    Survey.objects.filter(in_scope_q("region_code", prefix)).delete()
