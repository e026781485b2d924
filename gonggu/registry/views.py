"""Pages of the registry: list and search, a household's detail, edits by village clerks, export.

Thin: parse, call a selector or a service, render. Records outside the user's region are 404
(selectors raise NotFoundInScope, require_perm turns it into 404); role actions are 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from gonggu.core.access import Perm, require_perm
from gonggu.core.audit import audit_log
from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.idnumber import mask
from gonggu.core.jobs import job_start
from gonggu.core.models import Job
from gonggu.core.web import on_refusal, returns_to

from . import export, services
from .choices import Health, HouseholdType, LabourAbility, MonitoringType, PersonStatus
from .export import (
    JOB_KIND,
    XLSX_TYPE,
    export_path,
    export_person_count,
    registry_export,
    registry_export_job,
)
from .forms import (
    HouseholdForm,
    IncomeForm,
    PersonForm,
    PersonMoveForm,
    PersonStatusForm,
    apply_service_errors,
    yes_no_text,
    yes_no_value,
)
from .panels import HOUSEHOLD_PANELS
from .selectors import (
    HouseholdFilters,
    active_member_count,
    age_on,
    household_get_for_user,
    household_history,
    household_incomes,
    household_members,
    household_page,
    household_rows,
    households_for_user,
    income_years,
    person_get_for_user,
    region_options,
    today,
)

PAGE_SIZE = 50


def _service_errors(form, exc: UserFacingError) -> None:
    errors = getattr(exc, "errors", None) or {exc.field or "": exc.message}
    apply_service_errors(form, errors, version=getattr(exc, "version", None))


def _version(request) -> str | None:
    """The version the submitted form was filled from; None from a client that does not send one."""
    return request.POST.get("version")


@require_perm(Perm.VIEW_REGISTRY)
def household_list(request):
    user = request.user
    filters = HouseholdFilters.from_query(request.GET)
    listing = household_page(user, filters, request.GET.get("page"), per_page=PAGE_SIZE)
    page = listing.page
    options = region_options(user)
    # A village user has nothing to choose; a province-wide one types a code (the list would be too long).
    village_user = user.scope_prefix is not None and len(user.scope_prefix) == 12
    return render(request, "registry/household_list.html", {
        "page": page, "rows": household_rows(list(page.object_list)), "filters": filters, "notes": listing.notes,
        "region_options": options, "region_filter": "select" if options else "code" if not village_user else "",
        "household_types": HouseholdType.choices,
        "monitoring_types": MonitoringType.choices, "labour_choices": LabourAbility.choices,
        "health_choices": Health.choices, "years": income_years(user) if user.has_perm_code(Perm.EXPORT_PERSONAL)
        else [], "export_query": filters.as_query(),
        "can_export": user.has_perm_code(Perm.EXPORT_PERSONAL),
        "can_export_full": user.has_perm_code(Perm.EXPORT_UNMASKED),
    })


@require_perm(Perm.VIEW_REGISTRY)
def household_detail(request, pk: int):
    user = request.user
    household = household_get_for_user(user, pk)
    now = today()
    members = [{"p": p, "masked": mask(p.id_number), "age": age_on(p.birth_date, now)}
               for p in household_members(household)]
    incomes = household_incomes(household)
    # 其他信息: the columns of an imported export that Gonggu does not model, as they were.
    extra_keys = list(dict.fromkeys(k for m in members for k in (m["p"].extra or {})))
    extra_rows = [(m["p"].name, [(k, m["p"].extra.get(k, "")) for k in extra_keys]) for m in members
                  if m["p"].extra]
    return render(request, "registry/household_detail.html", {
        "household": household, "members": members, "incomes": incomes,
        "extra_keys": extra_keys, "extra_rows": extra_rows,
        "active_count": sum(1 for m in members if m["p"].status == PersonStatus.ACTIVE),
        "history": household_history(household),
        "panels": HOUSEHOLD_PANELS.shown(user, household),
        "can_edit": user.has_perm_code(Perm.EDIT_REGISTRY),
        "can_unmask": user.has_perm_code(Perm.UNMASK_ID),
    })


@require_POST
@require_perm(Perm.UNMASK_ID)
def person_unmask(request, pk: int):
    """htmx: the full identity number of one person, written to the access log."""
    person = person_get_for_user(request.user, pk)
    audit_log(request=request, action="view_pii", object_type="person", object_id=person.pk,
              region_code=person.region_code, summary=f"查看 {person.name} 的完整身份证号")
    return render(request, "registry/_id_full.html", {"person": person})


@require_perm(Perm.EDIT_REGISTRY)
def household_edit(request, pk: int):
    user = request.user
    household = household_get_for_user(user, pk)
    initial = {"household_type": household.household_type, "monitoring_type": household.monitoring_type,
               "relocated": yes_no_text(household.relocated), "village": household.village_id,
               "version": services.version_of(household)}
    form = HouseholdForm(request.POST or None, actor=user, household=household, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.household_update(actor=user, household=household, household_type=d["household_type"],
                                      monitoring_type=d["monitoring_type"], relocated=yes_no_value(d["relocated"]),
                                      village=d["village"], version=_version(request))
        except UserFacingError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, f"已保存农户 {household.household_no}。")
            return redirect("household_detail", pk=household.pk)
    return render(request, "registry/household_form.html", {"form": form, "household": household})


@require_perm(Perm.EDIT_REGISTRY)
def person_add(request, pk: int):
    user = request.user
    household = household_get_for_user(user, pk)
    form = PersonForm(request.POST or None, initial={"school_status": "", "medical_insured": "是"})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_add(actor=user, household=household, id_number=form.cleaned_data["id_number"],
                                         **form.service_values())
        except UserFacingError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, f"已新增成员 {person.name}。")
            return redirect("household_detail", pk=household.pk)
    return render(request, "registry/person_form.html",
                  {"form": form, "household": household, "title": f"新增成员 · 户 {household.household_no}"})


@require_perm(Perm.EDIT_REGISTRY)
def person_edit(request, pk: int):
    user = request.user
    person = person_get_for_user(user, pk)
    household = person.household
    if person.status != PersonStatus.ACTIVE:
        messages.error(request, f"{person.name} 已{person.status}，不能修改；如登记有误，请先恢复为在册。")
        return redirect("household_detail", pk=household.pk)
    initial = {"name": person.name, "relation": person.relation, "labour_ability": person.labour_ability,
               "health": person.health, "disability_grade": person.disability_grade,
               "school_status": person.school_status, "work_months": person.work_months,
               "work_place": person.work_place, "medical_insured": yes_no_text(person.medical_insured),
               "version": services.version_of(person)}
    form = PersonForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=user, person=person, id_number=form.cleaned_data["id_number"],
                                   version=_version(request), **form.service_values())
        except UserFacingError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, f"已保存成员 {person.name}。")
            return redirect("household_detail", pk=household.pk)
    return render(request, "registry/person_form.html", {
        "form": form, "household": household, "person": person, "masked": mask(person.id_number),
        "title": f"修改成员 {person.name} · 户 {household.household_no}",
    })


STATUS_SERVICES = {
    PersonStatus.DECEASED: services.person_record_death,
    PersonStatus.MOVED_OUT: services.person_record_move_out,
    PersonStatus.OTHER: services.person_record_other,
}


@require_perm(Perm.EDIT_REGISTRY)
def person_status(request, pk: int):
    """Record a death or a move-out: the person stays, with a status and a date."""
    user = request.user
    person = person_get_for_user(user, pk)
    initial = {"status": request.GET.get("status") or PersonStatus.DECEASED, "date": today()}
    form = PersonStatusForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        service = STATUS_SERVICES[form.cleaned_data["status"]]
        try:
            service(actor=user, person=person, date=form.cleaned_data["date"])
        except UserFacingError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, f"已登记 {person.name}：{form.cleaned_data['status']}。")
            return redirect("household_detail", pk=person.household_id)
    return render(request, "registry/person_status_form.html",
                  {"form": form, "person": person, "household": person.household, "masked": mask(person.id_number)})


@require_POST
@require_perm(Perm.EDIT_REGISTRY)
@on_refusal()
def person_reinstate(request, pk: int):
    person = person_get_for_user(request.user, pk)
    url = returns_to(request, reverse("household_detail", kwargs={"pk": person.household_id}))
    services.person_reinstate(actor=request.user, person=person)
    messages.success(request, f"已恢复 {person.name} 为在册。")
    return redirect(url)


@require_perm(Perm.EDIT_REGISTRY)
def person_move(request, pk: int):
    """Move a member to another household of the county, inside the user's region."""
    user = request.user
    person = person_get_for_user(user, pk)
    form = PersonMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["household_no"].strip()
        target = (households_for_user(user)
                  .filter(county_code=person.household.county_code, household_no=number).first())
        try:
            if target is None:
                raise UserFacingError(f"户编号 {number} 的农户不存在或不在你的管辖范围内，不能迁入。",
                                      field="household_no")
            services.person_move(actor=user, person=person, to_household=target,
                                 relation=form.cleaned_data["relation"])
        except UserFacingError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, f"已将 {person.name} 迁入户 {target.household_no}。")
            return redirect("household_detail", pk=target.pk)
    return render(request, "registry/person_move_form.html",
                  {"form": form, "person": person, "household": person.household, "masked": mask(person.id_number)})


@require_perm(Perm.EDIT_REGISTRY)
def income_edit(request, pk: int):
    user = request.user
    household = household_get_for_user(user, pk)
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or today().year - 1)
    except ValueError:
        year = today().year - 1
    account = household.incomes.filter(year=year).first()
    if account is not None:
        initial = {"year": year, "wage": account.wage, "business": account.business, "property": account.property,
                   "transfer": account.transfer, "business_expense": account.business_expense,
                   "household_size": account.household_size, "version": services.version_of(account)}
    else:
        initial = {"year": year, "version": ""}
    form = IncomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            saved = services.income_save(actor=user, household=household, version=_version(request), **values)
        except UserFacingError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, f"已保存 {saved.year} 年收入：人均纯收入 {saved.per_capita} 元。")
            return redirect("household_detail", pk=household.pk)
    return render(request, "registry/income_form.html", {
        "form": form, "household": household, "account": account, "active_count": active_member_count(household),
    })


@require_POST
@require_perm(Perm.EXPORT_PERSONAL)
@on_refusal("household_list")
def household_export(request):
    """The registry (or the filtered list) as .xlsx in the import format; full numbers need their own right.

    Small exports are written in the request; large ones run as a background job with a progress page.
    """
    user = request.user
    unmasked = request.POST.get("full") == "1"
    if unmasked and not user.has_perm_code(Perm.EXPORT_UNMASKED):
        raise PermissionDenied
    filters = HouseholdFilters.from_query(request.POST)
    try:
        year = int(request.POST["year"]) if request.POST.get("year") else None
    except ValueError:
        year = None
    if export_person_count(user, filters) > export.INLINE_LIMIT:
        label = user.region.name if user.region is not None else "全部"
        job = job_start(kind=JOB_KIND, title=f"导出农户台账（{label}）", user=user,
                        region_code=user.region.code if user.region is not None else "",
                        task=registry_export_job, filters=filters.as_query(), year=year, unmasked=unmasked)
        return redirect("job_detail", pk=job.pk)
    result = registry_export(user=user, filters=filters, year=year, unmasked=unmasked, request=request)
    response = HttpResponse(result.content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, result.filename)
    return response


@require_perm(Perm.EXPORT_PERSONAL)
def household_export_download(request, job_id: int):
    """The file of a finished export job: only for the user who started it."""
    job = Job.objects.filter(pk=job_id, kind=JOB_KIND, created_by=request.user, status=Job.Status.DONE).first()
    path = export_path(job_id)
    if job is None or not path.exists():
        raise NotFoundInScope("导出文件")
    if job.result.get("unmasked"):
        if not request.user.has_perm_code(Perm.EXPORT_UNMASKED):
            raise PermissionDenied
        if export.export_expired(job):
            path.unlink(missing_ok=True)
            raise NotFoundInScope("导出文件")   # past its keeping time: deleted, export again
        audit_log(request=request, action="export_pii", object_type="registry_export", object_id=job.pk,
                  region_code=job.region_code,
                  summary=f"下载含完整身份证号的导出文件 {job.result.get('filename') or path.name}")
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result.get("filename") or path.name,
                        content_type=XLSX_TYPE)


@require_perm(Perm.VIEW_REGISTRY)
def household_by_no(request, number: str):
    """Links from other modules by 户编号 (unique within a county): the household page, scoped like any other."""
    household = households_for_user(request.user).filter(household_no=number).order_by("pk").first()
    if household is None:
        raise NotFoundInScope("农户")
    return redirect("household_detail", pk=household.pk)
