"""Entering and editing ledger rows in the field (the import is the intake pipeline's, formats.py)."""

from __future__ import annotations

from django.db import transaction

from gonggu.core.codes import code_in_prefix
from gonggu.core.errors import UserFacingError
from gonggu.core.idnumber import InvalidIdNumber, normalize
from gonggu.regions.models import Region
from gonggu.registry.models import Person

from .kinds import LedgerKind, Match


def _owner(user, kind: LedgerKind, *, id_number: str = "", region_code: str = "") -> dict:
    """The person/household/region a row is about, checked against the registry and the user's region."""
    if kind.match == Match.REGION:
        region = Region.objects.filter(code=region_code).first()
        if region is None or not code_in_prefix(region.code, user.scope_prefix):
            raise UserFacingError("请选择你管辖范围内的村（社区）或乡镇。", field="region_code")
        return {"region_code": region.code, "person": None, "household": None, "id_number": ""}
    try:
        number = normalize(id_number)
    except InvalidIdNumber as exc:
        raise UserFacingError(f"身份证号有误：{exc}", field="id_number_input") from None
    person = Person.objects.select_related("household").filter(id_number=number).first()
    if person is None or not code_in_prefix(person.region_code, user.scope_prefix):
        raise UserFacingError("该身份证号不在你管辖范围内的农户台账中：请先在农户台账中登记此人。",
                              field="id_number_input")
    return {"region_code": person.region_code, "household": person.household,
            "person": person if kind.match == Match.PERSON else None, "id_number": number}


@transaction.atomic
def ledger_row_save(*, user, kind: LedgerKind, row, values: dict, id_number: str = "", region_code: str = "",
                    version: str = ""):
    """Create (row=None) or update one row; the change is kept in the row's history under the user's name."""
    if not user.has_perm_code(kind.edit_perm):
        raise UserFacingError(f"你没有录入{kind.title}的权限。")
    if row is None:
        row = kind.model(created_by=user)
    elif version and row.updated_at.isoformat() != version:
        who = row.updated_by or "其他用户"
        raise UserFacingError(f"这条记录在你打开之后已被{who}修改（{row.updated_at:%Y-%m-%d %H:%M}）。"
                              "请重新打开查看最新内容后再修改。")
    for name, value in _owner(user, kind, id_number=id_number, region_code=region_code).items():
        setattr(row, name, value)
    for name in kind.form_fields:
        if name in values:
            setattr(row, name, values[name])
    if kind.check_rows is not None:
        candidate = {name: getattr(row, name) for name in kind.value_fields}
        candidate.update(id_number=row.id_number, person_id=row.person_id, household_id=row.household_id,
                         region_code=row.region_code, row_id=row.pk, user=user)
        given = set(candidate)
        problems = kind.check_rows([candidate]).get(0)
        if problems:
            field_name, reason = problems[0]
            raise UserFacingError(reason, field=field_name if field_name in kind.form_fields else None)
        fields = {f.name for f in kind.model._meta.concrete_fields}
        for name in (set(candidate) - given) & fields:   # fields the check derives (a status from dates)
            setattr(row, name, candidate[name])
    row.updated_by = user
    row._history_user = user
    row.save()
    return row
