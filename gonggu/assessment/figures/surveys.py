"""Survey figures (指标12 and 000's 问卷): the rates of the latest household survey covering the region.

The figures read the survey's answers (gonggu.surveys); the seeds set no number to reach, so each rate is
shown as 重点关注, with its coverage beside it so a rate from a thin sample is seen for what it is."""

from __future__ import annotations

from django.db.models import Count, Max, Q
from django.utils import timezone

from gonggu.core.codes import in_scope_q
from gonggu.surveys.models import Answer, SampleEntry, Survey
from gonggu.surveys.questionnaires import QUESTIONNAIRES, TOPICS

from .base import Drill, DrillRow, EvalContext, Figure, FigureData, Missing, Target, grouped, share_of

NO_SURVEY = "尚未开展入户问卷（入户问卷 › 抽样），或问卷尚无人填写"


def latest_survey(ctx: EvalContext) -> Survey | None:
    """The latest survey drawn by `today` whose region covers the evaluated scope, or lies within it."""
    prefix = ctx.prefix or ""
    wider = [prefix[:n] for n in range(0, len(prefix) + 1)]
    qs = Survey.objects.filter(drawn_on__lte=ctx.today).filter(Q(region_prefix__in=wider)
                                                                | in_scope_q("region_code", ctx.prefix))
    return ctx.memo("survey", lambda: qs.order_by("-drawn_on", "-id").first())


def _basis(survey: Survey) -> str:
    return f"入户问卷《{survey.title}》（{survey.region_name}每村抽样 {survey.per_village} 户，{survey.drawn_on:%Y-%m-%d} 抽样）"


def _answered_on(ctx, survey):
    last = SampleEntry.objects.filter(survey=survey, answered_at__lte=timezone.now()).aggregate(d=Max("answered_at"))["d"]
    return timezone.localdate(last) if last else None


def rate_compute(topic: str):
    def compute(ctx: EvalContext) -> FigureData:
        survey = latest_survey(ctx)
        if survey is None:
            return FigureData({}, None, "入户问卷", missing=Missing(ctx.year_start, NO_SURVEY))
        answers = Answer.objects.filter(in_scope_q("entry__region_code", ctx.prefix), entry__survey=survey,
                                        topic=topic)
        rows = grouped(answers, "entry__region_code", answers=Count("id"),
                       positive=Count("id", filter=Q(positive=True)))
        data = FigureData(rows, _answered_on(ctx, survey), _basis(survey))
        if not rows:
            data.missing = Missing(survey.drawn_on, "问卷已抽样，尚无人填写")
        return data
    return compute


def rate_drill(topic: str, title: str):
    def drill(ctx: EvalContext, prefix: str) -> Drill | None:
        survey = latest_survey(ctx)
        if survey is None:
            return None
        texts = {q.key: q.text for q in QUESTIONNAIRES[survey.questionnaire].questions}
        qs = (Answer.objects.filter(in_scope_q("entry__region_code", prefix), entry__survey=survey, topic=topic,
                                    positive=False)
              .values("id", "question", "option", "entry__region_code", "entry__household_no", "entry__head_name",
                      "entry__household_id").order_by("entry__region_code", "entry__household_no", "question"))
        return Drill(qs, lambda a: DrillRow(
            household_no=a["entry__household_no"], head_name=a["entry__head_name"],
            region_code=a["entry__region_code"], detail=f"{texts.get(a['question'], a['question'])} 答：{a['option']}",
            household_id=a["entry__household_id"]), title)
    return drill


def compute_coverage(ctx: EvalContext) -> FigureData:
    survey = latest_survey(ctx)
    if survey is None:
        return FigureData({}, None, "入户问卷", missing=Missing(ctx.year_start, NO_SURVEY))
    entries = SampleEntry.objects.filter(in_scope_q("region_code", ctx.prefix), survey=survey)
    rows = grouped(entries, "region_code", sampled=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
    return FigureData(rows, _answered_on(ctx, survey) or survey.drawn_on, _basis(survey))


def drill_coverage(ctx: EvalContext, prefix: str) -> Drill | None:
    survey = latest_survey(ctx)
    if survey is None:
        return None
    qs = (SampleEntry.objects.filter(in_scope_q("region_code", prefix), survey=survey, answered_at__isnull=True)
          .values("household_no", "head_name", "region_code", "household_id").order_by("region_code", "household_no"))
    return Drill(qs, lambda e: DrillRow(household_no=e["household_no"], head_name=e["head_name"],
                                        region_code=e["region_code"], detail="样本户，尚未填写问卷",
                                        household_id=e["household_id"]), "尚未填写问卷的样本户")


def _rate_figure(topic) -> Figure:
    return Figure(
        code=f"SURVEY-{topic.key.upper()}", title=topic.title, indicator="12",
        formula=f"入户问卷中{topic.title}各题回答为“认可 / 知晓 / 准确”的 ÷ 该项全部回答（“说不清”“不清楚”计入分母）",
        unit="%", target=Target("", None, "重点关注（种子未给出数值）", topic.source, topic.quote),
        compute=rate_compute(topic.key), value=share_of("positive", "answers"), numerator="positive",
        denominator="answers", drill=rate_drill(topic.key, f"{topic.title}：不认可、不知晓或认为不准确的回答"),
        needs="入户问卷")


FIGURES: list[Figure] = [
    *(_rate_figure(t) for t in TOPICS),
    Figure(
        code="SURVEY-COVERAGE", title="问卷样本完成率", indicator="12",
        formula="已填写问卷的样本户 ÷ 抽取的样本户（最新一次入户问卷）",
        unit="%", target=Target("", None, "重点关注（样本完成率低时比率代表性不足）", TOPICS[0].source, TOPICS[0].quote),
        compute=compute_coverage, value=share_of("answered", "sampled"), numerator="answered",
        denominator="sampled", drill=drill_coverage, needs="入户问卷"),
]
