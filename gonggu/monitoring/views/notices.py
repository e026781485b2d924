"""Notices (公示/公告): list, page, posting, objections, Word and print."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonggu.core.access import require_perm
from gonggu.core.audit import audit_log
from gonggu.core.uploads import stored_file_response
from gonggu.core.web import on_refusal, returns_to

from .. import forms as f
from .. import services as s
from ..documents import notice_body, notice_docx, notice_lines
from ..models import Notice
from ..selectors import (
    notice_get_for_user,
    notice_state,
    notices_for_user,
    objection_get_for_user,
)
from .common import ACT, VIEW, _parsed

# --- notices --------------------------------------------------------------------------------------


@require_perm(VIEW)
def notice_list(request):
    qs = notices_for_user(request.user).select_related("village").prefetch_related("objections")
    kind = request.GET.get("kind", "")
    if kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs.order_by("-start_on", "-id"), 50).get_page(request.GET.get("page"))
    for n in page.object_list:
        n.state = notice_state(n)
    return render(request, "monitoring/notice_list.html", {"page": page, "kind": kind, "kinds": Notice.Kind.choices})


@require_perm(VIEW)
def notice_detail(request, pk: int):
    notice = notice_get_for_user(request.user, pk)
    notice.state = notice_state(notice)
    from ..services import _notice_actor

    return render(request, "monitoring/notice_detail.html", {
        "notice": notice, "lines": notice_lines(notice), "body": notice_body(notice),
        "objections": notice.objections.select_related("case", "case__household", "resolved_by"),
        "cases": notice.cases.select_related("household"),
        "can_act": _notice_actor(notice, request.user) is None,
        "posting_form": f.PostingForm(), "objection_form": f.ObjectionForm(), "resolve_form": f.ResolveForm(),
    })


@require_POST
@require_perm(*ACT)
@on_refusal()
def notice_posting(request, pk: int):
    notice = notice_get_for_user(request.user, pk)
    url = returns_to(request, reverse("monitoring:notice_detail", args=[pk]))
    d = _parsed(request, f.PostingForm, url)
    if d is None:
        return redirect(url)
    s.notice_record_posting(notice=notice, user=request.user, posted_on=d["posted_on"], place=d["place"],
                            photo=d["photo"])
    messages.success(request, "张贴情况已登记。")
    return redirect(url)


@require_POST
@require_perm(*ACT)
@on_refusal()
def objection_new(request, pk: int):
    notice = notice_get_for_user(request.user, pk)
    url = returns_to(request, reverse("monitoring:notice_detail", args=[pk]))
    d = _parsed(request, f.ObjectionForm, url)
    if d is None:
        return redirect(url)
    case = notice.cases.filter(pk=d["case"]).first() if d["case"] else None
    s.objection_register(notice=notice, user=request.user, received_on=d["received_on"], content=d["content"],
                         raised_by=d["raised_by"], case=case)
    messages.success(request, "异议已登记：处理完毕前不能办理下一步。")
    return redirect(url)


@require_POST
@require_perm(*ACT)
@on_refusal()
def objection_resolve(request, pk: int):
    objection = objection_get_for_user(request.user, pk)
    url = returns_to(request, reverse("monitoring:notice_detail", args=[objection.notice_id]))
    d = _parsed(request, f.ResolveForm, url)
    if d is None:
        return redirect(url)
    s.objection_resolve(objection=objection, user=request.user, upheld=d["upheld"], handling=d["handling"])
    messages.success(request, "异议已办结。")
    return redirect(url)


@require_POST
@require_perm(VIEW)
def notice_docx_view(request, pk: int):
    notice = notice_get_for_user(request.user, pk)
    data = notice_docx(notice)
    audit_log(request=request, action="export", object_type="monitoring.notice", object_id=notice.pk,
              region_code=notice.region_code, summary=f"下载公示文书：{notice.title}")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(notice.title)}.docx"
    return response


@require_perm(VIEW)
def notice_print(request, pk: int):
    notice = notice_get_for_user(request.user, pk)
    return render(request, "monitoring/notice_print.html", {"notice": notice, "lines": notice_lines(notice),
                                                            "body": notice_body(notice)})


@require_perm(VIEW)
def notice_photo(request, pk: int):
    notice = notice_get_for_user(request.user, pk)
    return stored_file_response(notice.photo_path)
