"""Pages of 入户问卷: the surveys of the user's region, drawing a sample, the rates per township and village,
the sample list with the one-time codes, the cadre's phone form, the public form by code, and exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log, client_ip
from gonggu.core.codes import in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.core.models import AuditEvent
from gonggu.core.web import on_refusal
from gonggu.dataio.responses import xlsx_response
from gonggu.dataio.writers import write_xlsx
from gonggu.monitoring import services as public
from gonggu.monitoring.challenge import challenge_new, challenge_passed
from gonggu.regions.exports import ListExport, list_export
from gonggu.regions.models import Region

from . import services
from .models import SampleEntry, Survey
from .questionnaires import QUESTIONNAIRES, TOPICS

VIEW = (Perm.VIEW_REGISTRY, Perm.MANAGE_ASSESSMENT)
# Who enters answers at the door: village clerks, work teams, assistance officers, and the assessment office.
ENTER = (Perm.MANAGE_ASSESSMENT, Perm.MANAGE_CASES, Perm.RECORD_VISITS, Perm.EDIT_LEDGERS)


def surveys_for_user(user):
    """Surveys of the user's region or below, and of a region above it (the user sees their part)."""
    prefix = user.scope_prefix
    if prefix is None:
        return Survey.objects.all()
    above = [prefix[:n] for n in (2, 4, 6, 9) if n < len(prefix)]
    return Survey.objects.filter(in_scope_q("region_code", prefix) | Q(region_prefix__in=above))


def _survey(user, pk: int) -> Survey:
    survey = surveys_for_user(user).filter(pk=pk).first()
    if survey is None:
        raise Http404("问卷不存在或不在本人管辖范围内。")
    return survey


def _scope(user, survey: Survey) -> str:
    """The part of the survey the user sees: the survey's region, or the user's own when it is narrower."""
    prefix = user.scope_prefix
    return survey.region_prefix if prefix is None or len(prefix) <= len(survey.region_prefix) else prefix


def _region(user, code: str | None) -> Region:
    prefix = user.scope_prefix
    if not code:
        if user.region_id is None:
            raise UserFacingError("请选择区划。")
        return user.region
    region = Region.objects.filter(in_scope_q("code", prefix), code=code).first()
    if region is None:
        raise UserFacingError("该区划不存在或不在本人管辖范围内。")
    return region


def _pct(v) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


@require_perm(*VIEW, *ENTER)
def survey_list(request):
    surveys = list(surveys_for_user(request.user)[:100])
    return render(request, "surveys/list.html", {
        "surveys": surveys, "can_draw": request.user.has_perm_code(Perm.MANAGE_ASSESSMENT),
        "seed": timezone.localdate().year,
    })


@require_POST
@require_perm(*VIEW, *ENTER)
def survey_list_export(request):
    """The list of surveys as the page shows it (the page has no filters: every survey the user sees), audited."""
    qs = surveys_for_user(request.user)       # in the order of the page (the model's)
    rows = ((s.title, s.region_name, s.region_code, s.drawn_on, s.per_village, s.seed)
            for s in qs.iterator(chunk_size=500))
    return list_export(request, ListExport(
        title="入户问卷", headers=("问卷", "区划", "区划代码", "抽样日期", "每村户数", "随机种子"), rows=rows,
        count=qs.count(), object_type="survey_list", filters={}, text_columns=frozenset({"区划代码"}), personal=False))


@require_POST
@require_perm(Perm.MANAGE_ASSESSMENT)
@on_refusal("surveys:list")
def survey_new(request):
    region = _region(request.user, request.POST.get("region") or None)
    survey = services.survey_draw(user=request.user, region=region, title=request.POST.get("title", ""),
                                  per_village=request.POST.get("per_village"), seed=request.POST.get("seed"))
    messages.success(request, f"已抽取 {survey.entries.count()} 户。打印样本单（含填写码）交给村里入户调查。")
    return redirect("surveys:detail", pk=survey.pk)


@require_perm(*VIEW, *ENTER)
def survey_detail(request, pk: int):
    survey = _survey(request.user, pk)
    total, rows = services.survey_rates(survey, _scope(request.user, survey))
    for r in [total, *rows]:
        r.cells = [(t.title, _pct(v)) for t, v in zip(TOPICS, r.rates, strict=True)]
        r.coverage_text = _pct(r.coverage)
    return render(request, "surveys/detail.html", {
        "survey": survey, "total": total, "rows": rows, "topics": TOPICS, "pct": _pct,
        "questionnaire": QUESTIONNAIRES[survey.questionnaire],
        "can_export": request.user.has_perm_code(Perm.EXPORT_PERSONAL) or request.user.has_perm_code(
            Perm.MANAGE_ASSESSMENT),
    })


def _entries(user, survey: Survey, village: str = ""):
    qs = SampleEntry.objects.filter(in_scope_q("region_code", _scope(user, survey)), survey=survey)
    return qs.filter(region_code=village) if village else qs


@require_perm(*VIEW, *ENTER)
def survey_sample(request, pk: int):
    """The sample list by village with each household's one-time code: printed and taken to the doors."""
    survey = _survey(request.user, pk)
    village = request.GET.get("village", "")
    entries = list(_entries(request.user, survey, village))
    names = dict(Region.objects.filter(code__in={e.region_code for e in entries}).values_list("code", "name"))
    for e in entries:
        e.village_name = names.get(e.region_code, e.region_code)
    villages = sorted({(e.region_code, e.village_name) for e in entries})
    return render(request, "surveys/sample.html", {
        "survey": survey, "entries": entries, "village": village, "villages": villages,
        "can_enter": any(request.user.has_perm_code(p) for p in ENTER),
        "can_export": request.user.has_perm_code(Perm.EXPORT_PERSONAL) or request.user.has_perm_code(
            Perm.MANAGE_ASSESSMENT),
        "answered": sum(1 for e in entries if e.answered_at),
    })


@require_perm(*ENTER)
def entry_answer(request, pk: int, eid: int):
    """The cadre's form at the door (a 390 px phone): one card per question, big radio buttons."""
    survey = _survey(request.user, pk)
    entry = _entries(request.user, survey).filter(pk=eid).select_related("survey").first()
    if entry is None:
        raise Http404("样本户不存在或不在本人管辖范围内。")
    questionnaire = QUESTIONNAIRES[survey.questionnaire]
    error = ""
    if request.method == "POST":
        try:
            services.answers_save(entry=entry, data=request.POST, channel=SampleEntry.Channel.CADRE,
                                  user=request.user)
        except UserFacingError as exc:
            error = exc.message
        else:
            messages.success(request, f"已保存 {entry.head_name} 户的问卷。")
            nxt = _entries(request.user, survey, entry.region_code).filter(answered_at__isnull=True).first()
            if nxt is not None:
                return redirect("surveys:answer", pk=survey.pk, eid=nxt.pk)
            return redirect(f"{_sample_url(survey)}?village={entry.region_code}")
    chosen = request.POST if request.method == "POST" else {a.question: a.option for a in entry.answers.all()}
    return render(request, "surveys/answer.html", {
        "survey": survey, "entry": entry, "questionnaire": questionnaire, "chosen": chosen, "error": error,
        "public": False,
    }, status=400 if error else 200)


def _sample_url(survey) -> str:
    return reverse("surveys:sample", args=[survey.pk])


def _public_guard(request) -> None:
    ip = client_ip(request)
    needed = public.public_challenge_needed(ip=ip, action="survey")
    public.public_rate_limit(ip=ip, action="survey")
    if needed and not challenge_passed(request.session, request.POST.get("challenge")):
        raise UserFacingError("提交次数较多，请先回答下面的验证问题再提交。")


@login_not_required
def public_answer(request):
    """The household answers itself: the one-time code from the sample list opens the questionnaire once. The
    page shows no personal data back but the head's surname, so a wrong code is noticed."""
    error = ""
    entry = None
    code = services.normalise_code(request.POST.get("code") or request.GET.get("code") or "")
    if request.method == "POST":
        try:
            _public_guard(request)
            entry = services.entry_by_code(code)
            if request.POST.get("step") == "answers":
                services.answers_save(entry=entry, data=request.POST, channel=SampleEntry.Channel.HOUSEHOLD)
                return render(request, "surveys/public_done.html", {})
        except UserFacingError as exc:
            error = exc.message
    questionnaire = QUESTIONNAIRES[entry.survey.questionnaire] if entry else None
    challenge = challenge_new(request.session) if public.public_challenge_needed(
        ip=client_ip(request), action="survey") else ""
    return render(request, "surveys/public.html", {
        "entry": entry, "code": code, "questionnaire": questionnaire, "error": error, "challenge": challenge,
        "chosen": request.POST if entry else {}, "surname": entry.head_name[:1] if entry else "", "public": True,
    }, status=400 if error else 200)


@require_POST
@require_perm(Perm.EXPORT_PERSONAL, Perm.MANAGE_ASSESSMENT)
def survey_export(request, pk: int):
    """The sample (with codes, to print) and the rates per township and village; audited."""
    survey = _survey(request.user, pk)
    scope = _scope(request.user, survey)
    village = request.POST.get("village", "")
    entries = list(_entries(request.user, survey, village))
    names = dict(Region.objects.filter(in_scope_q("code", survey.region_prefix)).values_list("code", "name"))
    total, rows = services.survey_rates(survey, scope)
    titles = [t.title for t in TOPICS]
    body = write_xlsx([
        ("样本户", ["村", "村代码", "户编号", "户主", "户类型", "填写码", "是否已填", "填写方式", "填写时间"],
         ([names.get(e.region_code, ""), e.region_code, e.household_no, e.head_name, e.household_type, e.code,
           "已填" if e.answered_at else "未填", e.get_channel_display() if e.channel else "",
           timezone.localtime(e.answered_at).strftime("%Y-%m-%d %H:%M") if e.answered_at else ""] for e in entries)),
        ("各村乡镇比率", ["区划", "区划代码", "样本户", "已填", "样本覆盖率", *titles],
         ([r.name, r.code, r.sampled, r.answered, _pct(r.coverage), *(_pct(v) for v in r.rates)]
          for r in [total, *rows])),
    ], text_columns={"村代码", "户编号", "填写码", "区划代码"})
    audit_log(request=request, action=AuditEvent.Action.EXPORT, object_type="survey", object_id=survey.pk,
              region_code=survey.region_code, summary=f"导出问卷样本及比率：{survey.title}（{len(entries)} 户）")
    return xlsx_response(body, f"{survey.title}{timezone.localdate():%Y%m%d}.xlsx")

