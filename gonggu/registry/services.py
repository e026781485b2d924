"""Changes to the registry made by people: one service per action, atomic, attributed and audited.

Each service checks the actor's right (Perm.EDIT_REGISTRY) and region itself, so that callers other
than the pages (commands, other apps) cannot bypass them. Persons are never deleted: a death or a
move-out is a status with a date, and a move to another household keeps the same row, so that
django-simple-history holds the person's whole story. Validation collects every problem of a form
before reporting, each message naming its field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from gonggu.core.access import Perm
from gonggu.core.audit import audit_log
from gonggu.core.codes import Level, code_in_prefix
from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.idnumber import InvalidIdNumber, birth_date, gender, mask, normalize
from gonggu.regions.models import Region

from .choices import (
    DisabilityGrade,
    Health,
    HouseholdType,
    LabourAbility,
    MonitoringType,
    PersonStatus,
    Relation,
    SchoolStatus,
    WorkPlace,
)
from .incomes import net_income, per_capita
from .models import Household, IncomeAccount, Person
from .selectors import age_on

FIRST_INCOME_YEAR = 2000
MAX_AMOUNT = Decimal("999999999999.99")


class RegistryInvalid(UserFacingError):
    """Several problems of one submitted form: `errors` maps a field name (or "") to its Chinese message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        first_field = next(iter(errors))
        super().__init__("；".join(errors.values()), field=first_field or None)


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self:
            raise RegistryInvalid(dict(self))


class EditConflict(UserFacingError):
    """Someone saved the record after the form was opened: nothing is overwritten; the message says what they
    changed, and `version` is the record's current version (a resubmit of the form overwrites knowingly)."""

    def __init__(self, message: str, *, version: str):
        super().__init__(message, field=None)
        self.version = version


def version_of(obj) -> str:
    """The version a form carries: when the row was last saved ("" for a row not yet saved)."""
    return obj.updated_at.isoformat() if obj is not None and obj.updated_at else ""


def _shown_value(model, field: str, value) -> str:
    f = model._meta.get_field(field)
    if value in (None, ""):
        return "空"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "id_number":
        return mask(value)
    return str(value)


def _check_version(obj, version: str | None, fields, *, what: str, created: bool = False) -> None:
    """Refuse the save when `obj` changed since `version` (None: the caller does not track versions)."""
    if version is None:
        return
    current = version_of(obj)
    if current == (version or ""):
        return
    model = type(obj)
    who = getattr(obj.updated_by, "full_name", "") or getattr(obj.updated_by, "username", "") or "其他用户"
    when = timezone.localtime(obj.updated_at).strftime("%Y-%m-%d %H:%M") if obj.updated_at else ""
    if created:
        message = f"在你打开页面之后，{who}（{when}）已新增了{what}。为避免覆盖，本次没有保存。"
    else:
        before = None
        if version:
            before = obj.history.filter(updated_at=dt.datetime.fromisoformat(version)).order_by("-history_id").first()
        if before is not None:
            diffs = [f"{model._meta.get_field(f).verbose_name}由“{_shown_value(model, f, getattr(before, f))}”"
                     f"改为“{_shown_value(model, f, getattr(obj, f))}”"
                     for f in fields if getattr(before, f) != getattr(obj, f)]
        else:
            diffs = [f"{model._meta.get_field(f).verbose_name}现为“{_shown_value(model, f, getattr(obj, f))}”"
                     for f in fields]
        message = (f"在你打开页面之后，{who}（{when}）已修改了{what}：{'；'.join(diffs) or '（其他信息）'}。"
                   "为避免覆盖，本次没有保存；请核对后再次提交（再次提交将以你填写的内容为准）。")
    raise EditConflict(message, version=current)


def _today() -> dt.date:
    return timezone.localdate()


def _ensure_can_edit(actor, region_code: str, what: str = "农户") -> None:
    if not actor.has_perm_code(Perm.EDIT_REGISTRY):
        raise UserFacingError("你没有维护农户台账的权限。")
    if not code_in_prefix(region_code, actor.scope_prefix):
        raise NotFoundInScope(what)


def _choice(errors: _Errors, field: str, value, choices, label: str, *, required: bool) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if not value:
        if required:
            errors.add(field, f"请选择{label}。")
        return ""
    if value not in choices:
        errors.add(field, f"{label}“{value}”不是可选的值（可选：{'、'.join(choices)}）。")
        return ""
    return value


def _audit(actor, *, action: str, object_type: str, obj, region_code: str, summary: str, detail: dict) -> None:
    audit_log(user=actor, action=action, object_type=object_type, object_id=obj.pk, region_code=region_code,
              summary=summary, detail=detail)


def _shown(field: str, value) -> object:
    """Values for audit details: identity numbers masked, dates as text."""
    if field == "id_number":
        return mask(value)
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def _changes(obj, values: dict) -> dict[str, tuple[object, object]]:
    return {k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v}


def _active_head(household: Household, *, exclude: Person | None = None) -> Person | None:
    qs = household.members.filter(relation=Relation.HEAD, status=PersonStatus.ACTIVE)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


def _sync_head_name(household: Household, actor) -> None:
    """户主姓名 on the household follows its active 户主 (kept as it was while the household has none)."""
    head = _active_head(household)
    if head is not None and household.head_name != head.name:
        household.head_name = head.name
        household.updated_by = actor
        household._history_user = actor
        household.save()


# --- persons ----------------------------------------------------------------------------------------------------

PERSON_FIELDS = ("name", "relation", "labour_ability", "health", "disability_grade", "school_status",
                 "work_months", "work_place", "medical_insured")


def _clean_person(errors: _Errors, values: dict, *, birth: dt.date | None) -> dict:
    """Check the editable attributes of a person together (some depend on each other and on age)."""
    out: dict = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors.add("name", "请填写姓名。")
    elif len(name) > 50:
        errors.add("name", "姓名不能超过 50 个字。")
    out["name"] = name
    out["relation"] = _choice(errors, "relation", values.get("relation"), Relation.values, "与户主关系", required=True)
    out["labour_ability"] = _choice(errors, "labour_ability", values.get("labour_ability"), LabourAbility.values,
                                    "劳动能力", required=True)
    out["health"] = _choice(errors, "health", values.get("health"), Health.values, "健康状况", required=True)
    grade = values.get("disability_grade") or ""
    grade = {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}.get(str(grade).strip(), grade)
    out["disability_grade"] = _choice(errors, "disability_grade", grade, DisabilityGrade.values, "残疾等级",
                                      required=False)
    if out["health"] == Health.DISABLED and not out["disability_grade"] and "disability_grade" not in errors:
        errors.add("disability_grade", "健康状况为残疾时请选择残疾等级。")
    if out["disability_grade"] and out["health"] and out["health"] != Health.DISABLED:
        errors.add("disability_grade", "只有健康状况为残疾时才填写残疾等级。")
    out["school_status"] = _choice(errors, "school_status", values.get("school_status"), SchoolStatus.values,
                                   "在校情况", required=False)
    months = values.get("work_months")
    if months in ("", None):
        out["work_months"] = None
    else:
        try:
            months = int(str(months).strip())
        except ValueError:
            errors.add("work_months", "务工月数应为 0–12 的整数。")
            months = None
        else:
            if not 0 <= months <= 12:
                errors.add("work_months", "务工月数应为 0–12 的整数。")
        out["work_months"] = months
    out["work_place"] = _choice(errors, "work_place", values.get("work_place"), WorkPlace.values, "务工地点",
                                required=False)
    insured = values.get("medical_insured")
    if insured not in (None, True, False):
        errors.add("medical_insured", "是否参加基本医疗保险应为“是”或“否”。")
        insured = None
    out["medical_insured"] = insured
    if birth is not None and out["labour_ability"] in (LabourAbility.ORDINARY, LabourAbility.SKILLED):
        if age_on(birth, _today()) < 16:
            errors.add("labour_ability", "未满 16 周岁的成员不能登记为普通劳动力或技能劳动力。")
    return out


def _clean_id(errors: _Errors, raw, *, actor, current: Person | None = None) -> str | None:
    try:
        number = normalize(raw, today=_today())
    except InvalidIdNumber as exc:
        errors.add("id_number", str(exc))
        return None
    existing = Person.objects.filter(id_number=number).select_related("household").first()
    if existing is not None and existing != current:
        if code_in_prefix(existing.region_code, actor.scope_prefix):
            errors.add("id_number", f"该身份证号已登记为 {existing.name}（户编号 {existing.household.household_no}，"
                                    f"{existing.status}）；同一人不能在两户登记，迁入请在原户办理迁移。")
        else:
            errors.add("id_number", "该身份证号已在其他地区的农户中登记，不能重复登记；请联系县级管理员核实。")
        return None
    return number


def _check_head(errors: _Errors, household: Household, relation: str, person: Person | None = None) -> None:
    if relation == Relation.HEAD:
        head = _active_head(household, exclude=person)
        if head is not None:
            errors.add("relation", f"本户已有户主 {head.name}；请先把原户主的关系改为其他，再设新户主。")


@transaction.atomic
def person_add(*, actor, household: Household, id_number: str, name: str, relation: str, labour_ability: str,
               health: str, disability_grade: str = "", school_status: str = "", work_months: int | None = None,
               work_place: str = "", medical_insured: bool | None = None) -> Person:
    """A new member of a household (a newborn, a bride, …): identity number validated, gender and birth derived."""
    _ensure_can_edit(actor, household.region_code)
    errors = _Errors()
    number = _clean_id(errors, id_number, actor=actor)
    birth = birth_date(number) if number else None
    values = _clean_person(errors, {"name": name, "relation": relation, "labour_ability": labour_ability,
                                    "health": health, "disability_grade": disability_grade,
                                    "school_status": school_status, "work_months": work_months,
                                    "work_place": work_place, "medical_insured": medical_insured}, birth=birth)
    _check_head(errors, household, values["relation"])
    errors.raise_if_any()
    person = Person(household=household, region_code=household.region_code, id_number=number, gender=gender(number),
                    birth_date=birth, status=PersonStatus.ACTIVE, created_by=actor, updated_by=actor, **values)
    person._history_user = actor
    person.save()
    _sync_head_name(household, actor)
    _audit(actor, action="create", object_type="person", obj=person, region_code=household.region_code,
           summary=f"户 {household.household_no} 新增成员 {person.name}（{person.relation}）",
           detail={"household": household.household_no, "id_number": mask(number)})
    return person


@transaction.atomic
def person_update(*, actor, person: Person, id_number: str | None = None, version: str | None = None,
                  **values) -> Person:
    """Change a member's attributes (labour ability, health, school, work, insurance, …) or correct the number.

    Attributes not passed keep their value; `id_number` empty or None keeps the number. With `version` (the
    form's), a change saved by someone else since then is refused with what they changed (EditConflict).
    """
    _ensure_can_edit(actor, person.region_code, "家庭成员")
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.status != PersonStatus.ACTIVE:
        raise UserFacingError(f"{person.name} 已{person.status}，不能修改；如登记有误，请先恢复为在册。")
    _check_version(person, version, (*PERSON_FIELDS, "id_number"), what=f"成员 {person.name} 的信息")
    errors = _Errors()
    new_number = person.id_number
    if id_number and str(id_number).strip():
        new_number = _clean_id(errors, id_number, actor=actor, current=person) or person.id_number
    merged = {f: values.get(f, getattr(person, f)) for f in PERSON_FIELDS}
    cleaned = _clean_person(errors, merged, birth=birth_date(new_number))
    _check_head(errors, person.household, cleaned["relation"], person)
    errors.raise_if_any()
    if new_number != person.id_number:
        cleaned.update(id_number=new_number, gender=gender(new_number), birth_date=birth_date(new_number))
    changed = _changes(person, cleaned)
    if not changed:
        return person
    for k, (_old, new) in changed.items():
        setattr(person, k, new)
    person.updated_by = actor
    person._history_user = actor
    person.save()
    if {"name", "relation"} & set(changed):
        _sync_head_name(person.household, actor)
    _audit(actor, action="update", object_type="person", obj=person, region_code=person.region_code,
           summary=f"修改成员 {person.name}（户 {person.household.household_no}）：" + "、".join(
               str(Person._meta.get_field(k).verbose_name) for k in changed),
           detail={"changes": {k: [_shown(k, a), _shown(k, b)] for k, (a, b) in changed.items()}})
    return person


def _set_status(*, actor, person: Person, status: str, date: dt.date | None, verb: str) -> Person:
    _ensure_can_edit(actor, person.region_code, "家庭成员")
    person = Person.objects.select_for_update().select_related("household").get(pk=person.pk)
    if person.status != PersonStatus.ACTIVE:
        raise UserFacingError(f"{person.name} 已是“{person.status}”状态。", field="status")
    errors = _Errors()
    if date is None:
        errors.add("date", f"请填写{verb}日期。")
    elif date > _today():
        errors.add("date", f"{verb}日期不能晚于今天。")
    elif date < person.birth_date:
        errors.add("date", f"{verb}日期不能早于出生日期 {person.birth_date:%Y-%m-%d}。")
    errors.raise_if_any()
    person.status, person.status_date = status, date
    person.updated_by = actor
    person._history_user = actor
    person.save()
    note = "；此人原为户主，请为本户另设户主" if person.relation == Relation.HEAD else ""
    _audit(actor, action="update", object_type="person", obj=person, region_code=person.region_code,
           summary=f"登记 {person.name}（户 {person.household.household_no}）{verb}，日期 {date:%Y-%m-%d}{note}",
           detail={"status": status, "date": date.isoformat()})
    return person


@transaction.atomic
def person_record_death(*, actor, person: Person, date: dt.date | None) -> Person:
    """The person stays in the registry (and its history) with status 死亡."""
    return _set_status(actor=actor, person=person, status=PersonStatus.DECEASED, date=date, verb="死亡")


@transaction.atomic
def person_record_move_out(*, actor, person: Person, date: dt.date | None) -> Person:
    """Moved out of the registry's area (户口迁出); the row stays with status 迁出."""
    return _set_status(actor=actor, person=person, status=PersonStatus.MOVED_OUT, date=date, verb="迁出")


@transaction.atomic
def person_record_other(*, actor, person: Person, date: dt.date | None) -> Person:
    return _set_status(actor=actor, person=person, status=PersonStatus.OTHER, date=date, verb="注销")


@transaction.atomic
def person_reinstate(*, actor, person: Person) -> Person:
    """Undo a death or move-out recorded by mistake (the history keeps both changes)."""
    _ensure_can_edit(actor, person.region_code, "家庭成员")
    person = Person.objects.select_for_update().select_related("household").get(pk=person.pk)
    if person.status == PersonStatus.ACTIVE:
        raise UserFacingError(f"{person.name} 已是在册状态。")
    errors = _Errors()
    _check_head(errors, person.household, person.relation, person)
    errors.raise_if_any()
    before = person.status
    person.status, person.status_date = PersonStatus.ACTIVE, None
    person.updated_by = actor
    person._history_user = actor
    person.save()
    _sync_head_name(person.household, actor)
    _audit(actor, action="update", object_type="person", obj=person, region_code=person.region_code,
           summary=f"恢复 {person.name}（户 {person.household.household_no}）为在册（原为{before}）",
           detail={"status": [before, PersonStatus.ACTIVE]})
    return person


@transaction.atomic
def person_move(*, actor, person: Person, to_household: Household, relation: str) -> Person:
    """Move a member to another household (same or another village): same row, so the history follows the person."""
    _ensure_can_edit(actor, person.region_code, "家庭成员")
    person = Person.objects.select_for_update().select_related("household").get(pk=person.pk)
    errors = _Errors()
    if not code_in_prefix(to_household.region_code, actor.scope_prefix) or not actor.has_perm_code(
            Perm.EDIT_REGISTRY):
        errors.add("household_no", "迁入户不存在或不在你的管辖范围内，不能迁入。")
    elif to_household.county_code != person.household.county_code:
        errors.add("household_no", "只能在本县的农户之间迁移；跨县迁移请办理迁出，由迁入县登记。")
    elif to_household.pk == person.household_id:
        errors.add("household_no", "迁入户就是本户。")
    if person.status != PersonStatus.ACTIVE:
        errors.add("", f"{person.name} 已{person.status}，不能迁移。")
    relation = _choice(errors, "relation", relation, Relation.values, "在新户中与户主关系", required=True)
    if "household_no" not in errors:
        _check_head(errors, to_household, relation)
    errors.raise_if_any()
    old = person.household
    was_head = person.relation == Relation.HEAD
    person.household, person.region_code, person.relation = to_household, to_household.region_code, relation
    person.updated_by = actor
    person._history_user = actor
    person._change_reason = f"由户 {old.household_no} 迁入户 {to_household.household_no}"
    person.save()
    _sync_head_name(to_household, actor)
    note = "；此人原为户主，请为原户另设户主" if was_head else ""
    _audit(actor, action="update", object_type="person", obj=person, region_code=to_household.region_code,
           summary=f"{person.name} 由户 {old.household_no} 迁入户 {to_household.household_no}{note}",
           detail={"from": {"household": old.household_no, "region_code": old.region_code},
                   "to": {"household": to_household.household_no, "region_code": to_household.region_code}})
    return person


# --- households -------------------------------------------------------------------------------------------------

@transaction.atomic
def household_update(*, actor, household: Household, household_type: str, monitoring_type: str = "",
                     relocated: bool | None = None, village: Region | None = None,
                     version: str | None = None) -> Household:
    """Edit a household's own fields; moving it to another village carries its members along (with history).
    With `version` (the form's), a change saved by someone else since then is refused (EditConflict)."""
    _ensure_can_edit(actor, household.region_code)
    household = Household.objects.select_for_update().get(pk=household.pk)
    _check_version(household, version, ("household_type", "monitoring_type", "relocated", "village"),
                   what=f"农户 {household.household_no}")
    errors = _Errors()
    values = {
        "household_type": _choice(errors, "household_type", household_type, HouseholdType.values, "户类型",
                                  required=True),
        "monitoring_type": _choice(errors, "monitoring_type", monitoring_type, MonitoringType.values, "监测对象类型",
                                   required=False),
        "relocated": relocated,
    }
    if values["household_type"] == HouseholdType.MONITORED and not values["monitoring_type"] \
            and "monitoring_type" not in errors:
        errors.add("monitoring_type", "户类型为监测户时请选择监测对象类型。")
    if values["monitoring_type"] and values["household_type"] and values["household_type"] != HouseholdType.MONITORED:
        errors.add("monitoring_type", "只有监测户才填写监测对象类型。")
    if relocated not in (None, True, False):
        errors.add("relocated", "是否易地搬迁应为“是”或“否”。")
    if village is not None and village.pk != household.village_id:
        if village.level != Level.VILLAGE:
            errors.add("village", "请选择村级区划。")
        elif not code_in_prefix(village.code, actor.scope_prefix):
            errors.add("village", "所选村不在你的管辖范围内。")
        elif village.code[:6] != household.county_code:
            errors.add("village", "户编号在县内唯一，只能迁到本县的村。")
        else:
            values["village_id"] = village.pk
            values["region_code"] = village.code
    errors.raise_if_any()
    changed = _changes(household, values)
    if not changed:
        return household
    for k, (_old, new) in changed.items():
        setattr(household, k, new)
    household.updated_by = actor
    household._history_user = actor
    household.save()
    if "region_code" in changed:
        members = list(household.members.all())
        for m in members:
            m.region_code = household.region_code
            m.updated_by = actor
        bulk_update_with_history(members, Person, ["region_code", "updated_by"], default_user=actor,
                                 default_change_reason=f"随户 {household.household_no} 迁至 {village.name}")
    labels = {"village_id": "所在村", "region_code": "行政区划代码"}
    _audit(actor, action="update", object_type="household", obj=household, region_code=household.region_code,
           summary=f"修改农户 {household.household_no}：" + "、".join(
               labels.get(k) or str(Household._meta.get_field(k).verbose_name) for k in changed),
           detail={"changes": {k: [_shown(k, a), _shown(k, b)] for k, (a, b) in changed.items()}})
    return household


# --- incomes ----------------------------------------------------------------------------------------------------

INCOME_FIELDS = {"wage": "工资性收入", "business": "生产经营性收入", "property": "财产性收入",
                 "transfer": "转移性收入", "business_expense": "生产经营性支出"}


def _amount(errors: _Errors, field: str, value) -> Decimal:
    label = INCOME_FIELDS[field]
    if value in (None, ""):
        return Decimal("0.00")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        errors.add(field, f"{label}应为数字（元）。")
    elif amount < 0:
        errors.add(field, f"{label}不能为负数。")
    elif amount > MAX_AMOUNT:
        errors.add(field, f"{label}数额过大。")
    elif amount != amount.quantize(Decimal("0.01")):
        errors.add(field, f"{label}最多保留两位小数。")
    else:
        return amount.quantize(Decimal("0.01"))
    return Decimal("0.00")


@transaction.atomic
def income_save(*, actor, household: Household, year: int, wage=0, business=0, property=0, transfer=0,  # noqa: A002
                business_expense=0, household_size: int | None = None, version: str | None = None) -> IncomeAccount:
    """Create or replace the household's income account of `year`; net and per-capita income recomputed.

    `household_size` defaults to the household's active members now. With `version` (the form's; "" for an
    account not yet created), a change saved by someone else since then is refused (EditConflict).
    """
    _ensure_can_edit(actor, household.region_code)
    errors = _Errors()
    today = _today()
    try:
        year = int(year)
    except (TypeError, ValueError):
        errors.add("year", "收入年度应为四位年份。")
        year = 0
    if year and not FIRST_INCOME_YEAR <= year <= today.year:
        errors.add("year", f"收入年度应在 {FIRST_INCOME_YEAR}–{today.year} 之间。")
    amounts = {f: _amount(errors, f, v) for f, v in
               {"wage": wage, "business": business, "property": property, "transfer": transfer,
                "business_expense": business_expense}.items()}
    if household_size in (None, ""):
        size = household.members.filter(status=PersonStatus.ACTIVE).count()
        if size == 0:
            errors.add("household_size", "本户没有在册成员，请填写家庭人口。")
    else:
        try:
            size = int(household_size)
        except (TypeError, ValueError):
            size = 0
        if not 1 <= size <= 99:
            errors.add("household_size", "家庭人口应为 1–99 的整数。")
    errors.raise_if_any()
    net = net_income(**amounts)
    values = {**amounts, "household_size": size, "net_income": net, "per_capita": per_capita(net, size)}
    account = IncomeAccount.objects.select_for_update().filter(household=household, year=year).first()
    if account is not None:
        _check_version(account, version, (*INCOME_FIELDS, "household_size"),
                       what=f"户 {household.household_no} {year} 年的收入", created=not version)
    created = account is None
    if created:
        account = IncomeAccount(household=household, year=year, created_by=actor, **values)
        changed = {k: (None, v) for k, v in values.items()}
    else:
        changed = _changes(account, values)
        if not changed:
            return account
        for k, (_old, new) in changed.items():
            setattr(account, k, new)
    account.updated_by = actor
    account._history_user = actor
    account.save()
    _audit(actor, action="create" if created else "update", object_type="income", obj=account,
           region_code=household.region_code,
           summary=f"{'新增' if created else '修改'}户 {household.household_no} {year} 年收入：人均纯收入 "
                   f"{account.per_capita} 元",
           detail={"year": year, "changes": {k: [_shown(k, a), _shown(k, b)] for k, (a, b) in changed.items()}})
    return account
