"""The public self-declaration pages (no login): declare, its regions, status by receipt code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from gonggu.core.audit import client_ip
from gonggu.core.codes import Level
from gonggu.core.errors import UserFacingError
from gonggu.regions.models import Region

from .. import forms as f
from .. import services as s
from ..challenge import challenge_new, challenge_passed
from ..choices import RiskType
from .common import _form_errors

# --- public self-declaration ----------------------------------------------------------------------


def _counties():
    return Region.objects.filter(level=Level.COUNTY).order_by("code")


def _public_challenge(request, action: str) -> None:
    """After repeated submissions from this address, the submission must answer the session's question."""
    needed = s.public_challenge_needed(ip=client_ip(request), action=action)
    s.public_rate_limit(ip=client_ip(request), action=action)
    if needed and not challenge_passed(request.session, request.POST.get("challenge")):
        raise UserFacingError("提交次数较多，请先回答下面的验证问题再提交。")


def _challenge_for(request, action: str) -> str:
    return challenge_new(request.session) if s.public_challenge_needed(ip=client_ip(request), action=action) else ""


@login_not_required
def declare(request):
    """农户自主申报 (一键申报): public, no login, for phones. Never shows personal data back, and its answer
    never depends on whether the identity number is known."""
    error = ""
    form = f.DeclarationForm(request.POST or None)
    if request.method == "POST":
        try:
            _public_challenge(request, "declare")
            if not form.is_valid():
                raise UserFacingError(_form_errors(form))
            d = form.cleaned_data
            clue = s.clue_declare(name=d["name"], id_number=d["id_number"], phone=d["phone"], village_code=d["village"],
                                  difficulty=d["difficulty"], risk_types=d["risk_types"], ip=client_ip(request))
        except UserFacingError as exc:
            error = exc.message
        else:
            return render(request, "monitoring/declare_done.html", {"receipt": clue.receipt_code})
    counties = list(_counties())
    return render(request, "monitoring/declare.html", {
        "form": form, "error": error, "counties": counties, "risk_types": RiskType.choices,
        "single_county": counties[0] if len(counties) == 1 else None,
        "townships": Region.objects.filter(parent=counties[0]).order_by("code") if len(counties) == 1 else [],
        "challenge": _challenge_for(request, "declare"),
    }, status=400 if error else 200)


@login_not_required
def declare_regions(request):
    """The options of the next select (townships of a county, villages of a township) for the public form."""
    parent = request.GET.get("county") or request.GET.get("township") or ""
    level = Level.TOWNSHIP if request.GET.get("county") else Level.VILLAGE
    regions = Region.objects.filter(parent__code=parent, level=level).order_by("code") if parent else []
    return render(request, "monitoring/region_options.html", {"regions": regions, "level": level})


@login_not_required
def declare_status(request):
    result = error = ""
    form = f.ReceiptForm(request.POST or None)
    if request.method == "POST":
        try:
            _public_challenge(request, "status")
            if not form.is_valid():
                raise UserFacingError("请输入回执号和所留电话号码的后四位。")
            result = s.clue_status_by_receipt(form.cleaned_data["receipt"], form.cleaned_data["phone_tail"])
        except UserFacingError as exc:
            error = exc.message
    return render(request, "monitoring/declare_status.html", {"form": form, "result": result, "error": error,
                                                              "challenge": _challenge_for(request, "status")})
