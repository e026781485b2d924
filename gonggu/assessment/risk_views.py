"""整乡整村风险 page: the villages and townships the RISK-AREA rule found in the user's scope, with the four
signals behind each finding, sortable, exportable with the same filter, and a button to check again."""

from __future__ import annotations

import json
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.jobs import job_start
from gonggu.core.models import AuditEvent
from gonggu.dataio.responses import xlsx_response
from gonggu.dataio.writers import write_xlsx
from gonggu.regions.models import Region
from gonggu.rules.catalog import CATALOG
from gonggu.rules.params import ParamValues

from . import inputs
from .risk_jobs import risk_run_job
from .risk_rule_defs import PARAMS, RISK_AREA

VIEW = (Perm.VIEW_REGISTRY, Perm.MANAGE_ASSESSMENT)
COLUMNS = [  # key, label
    ("region", "区划"), ("level", "级别"), ("households", "农户（户）"), ("monitored_share", "监测户占比"),
    ("new_case_share", "本年新纳入占比"), ("income_fall_share", "收入下降脱贫户占比"),
    ("warned_share", "待核实预警涉及户占比"), ("signals", "信号数"),
]
LEVELS = {"村": "村", "乡镇": "乡镇"}


def _share(num, den) -> Decimal | None:
    return (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001")) if den else None


def _rows(user, level: str, sort: str, desc: bool):
    prefix = user.scope_prefix
    run = inputs.latest_run_with(RISK_AREA, prefix=prefix, as_of=timezone.localdate())
    if run is None:
        return None, []
    found = inputs.findings(run, RISK_AREA, prefix)
    rows = []
    for f in found.values("region_code", "detail", "evidence"):
        ev = json.loads(f["evidence"] or "{}")
        if level and ev.get("level") != level:
            continue
        hh = int(ev.get("households") or 0)
        rows.append({
            "code": f["region_code"], "level": ev.get("level", ""), "households": hh, "detail": f["detail"],
            "monitored": ev.get("monitored"), "new_cases": ev.get("new_cases"), "income_falls": ev.get("income_falls"),
            "lifted": ev.get("lifted"), "warned": ev.get("warned"), "signals": int(ev.get("signals") or 0),
            "monitored_share": _share(ev.get("monitored") or 0, hh), "new_case_share": _share(ev.get("new_cases") or 0, hh),
            "income_fall_share": _share(ev.get("income_falls") or 0, ev.get("lifted")),
            "warned_share": _share(ev.get("warned") or 0, hh),
        })
    names = dict(Region.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", "name"))
    for r in rows:
        r["region"] = names.get(r["code"], r["code"])
        for k in ("monitored_share", "new_case_share", "income_fall_share", "warned_share"):
            r[f"{k}_pct"] = _pct(r[k])
    key = sort if sort in dict(COLUMNS) else "signals"
    rows.sort(key=lambda r: (r[key] is None, r[key] if r[key] is not None else 0, r["code"]), reverse=False)
    if desc:
        # Missing values stay last whichever way the column is sorted.
        rows = [r for r in rows if r[key] is not None][::-1] + [r for r in rows if r[key] is None]
    return run, rows


def _filters(request) -> tuple[str, str, bool]:
    data = request.POST if request.method == "POST" else request.GET
    level = data.get("level", "")
    return (level if level in LEVELS else ""), data.get("sort", "signals"), data.get("dir", "desc") != "asc"


@require_perm(*VIEW)
def risk_page(request):
    level, sort, desc = _filters(request)
    run, rows = _rows(request.user, level, sort, desc)
    values = ParamValues.load()
    params = [(p.title, values.scalar(p.name), p.unit) for p in PARAMS]
    return render(request, "assessment/risk.html", {
        "run": run, "rows": rows, "level": level, "sort": sort, "desc": desc, "columns": COLUMNS,
        "params": params, "rule": CATALOG.rules[RISK_AREA],
        "can_run": request.user.has_perm_code(Perm.MANAGE_ASSESSMENT),
        "can_export": request.user.has_perm_code(Perm.EXPORT_PERSONAL) or request.user.has_perm_code(
            Perm.MANAGE_ASSESSMENT),
    })


@require_POST
@require_perm(Perm.MANAGE_ASSESSMENT)
def risk_run(request):
    user = request.user
    job = job_start(kind="risk_run", title="整乡整村风险研判", user=user,
                    region_code=user.region.code if user.region else "", task=risk_run_job,
                    prefix=user.scope_prefix, as_of=timezone.localdate().isoformat())
    return redirect("job_detail", pk=job.pk)


def _pct(v) -> str:
    return "" if v is None else f"{v * 100:.1f}%"


@require_POST
@require_perm(Perm.EXPORT_PERSONAL, Perm.MANAGE_ASSESSMENT)
def risk_export(request) -> HttpResponse:
    level, sort, desc = _filters(request)
    run, rows = _rows(request.user, level, sort, desc)
    body = write_xlsx([("整乡整村风险", ["区划", "区划代码", "级别", "农户（户）", "监测户（户）", "监测户占比", "本年新纳入（户）",
                                   "本年新纳入占比", "收入下降脱贫户（户）", "脱贫户（户）", "收入下降占比", "待核实预警涉及（户）",
                                   "预警涉及占比", "信号数", "说明"],
                        ([r["region"], r["code"], r["level"], r["households"], r["monitored"], _pct(r["monitored_share"]),
                          r["new_cases"], _pct(r["new_case_share"]), r["income_falls"], r["lifted"],
                          _pct(r["income_fall_share"]), r["warned"], _pct(r["warned_share"]), r["signals"], r["detail"]]
                         for r in rows))], text_columns={"区划代码"})
    region = request.user.region
    audit_log(request=request, action=AuditEvent.Action.EXPORT, object_type="risk_area", object_id=run.pk if run else "",
              region_code=region.code if region else "", summary=f"导出整乡整村风险研判结果（{len(rows)} 个区划）")
    return xlsx_response(body, f"整乡整村风险研判{timezone.localdate():%Y%m%d}.xlsx")
