"""Every ledger kind is a format of the intake pipeline (`ledger.<key>`): match, scope, upsert.

Rows are matched set-based: all identity numbers (or region codes) of the file in a few queries, never one
per row. A row is rejected when its person (household, village) is not in the registry or lies outside the
importing user's region, or when it repeats an earlier row of the file (same natural key). Rows already in
the ledger (same person and natural key) are updated in place, so re-importing a corrected file or the
退回表 never duplicates; unchanged rows are counted as such. History rows are written in bulk, so the
row page shows who imported what.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from gonggu.accounts.permissions import Role
from gonggu.core.codes import code_in_prefix
from gonggu.dataio.intake import IntakeContext, IntakeFormat, Staged, StagedRow, Written
from gonggu.regions.models import Region
from gonggu.registry.models import Person

from .kinds import LedgerKind, Match

CHUNK = 5000


def _chunks(values: list, size: int = CHUNK):
    it = iter(values)
    while chunk := list(islice(it, size)):
        yield chunk


class LedgerFormat(IntakeFormat):
    def __init__(self, kind: LedgerKind):
        self.kind = kind
        self.key = kind.format_key
        self.title = kind.title
        self.group = f"工作台账 · {kind.area}"
        self.perm = kind.import_perm
        self.description = kind.description

    @property
    def spec(self):
        return self.kind.spec

    def allowed(self, user) -> bool:
        if not super().allowed(user):
            return False
        if user is None or user.is_superuser or user.role != Role.DEPARTMENT_USER:
            return True
        return bool(self.kind.department) and user.department == self.kind.department

    def may_read(self, user) -> bool:
        return user.has_perm_code(self.kind.view_perm)

    def key_of(self, values: dict) -> str:
        return str(values.get("姓名") or "")[:60]

    def detail_url(self, batch) -> str:
        from django.urls import reverse

        return reverse("ledger_list", args=[self.kind.key]) + f"?batch={batch.pk}"

    # --- validate: match every row, set-based -------------------------------------------------------------

    def validate(self, ctx: IntakeContext, staged: Staged) -> None:
        if self.kind.match == Match.REGION:
            self._match_regions(ctx, staged)
        else:
            self._match_persons(ctx, staged)
        staged.settle()
        self._no_repeats(staged)
        staged.settle()
        self._check_rows(ctx, staged)

    def _match_persons(self, ctx: IntakeContext, staged: Staged) -> None:
        numbers = sorted({r.values["身份证号"] for r in staged.rows})
        found: dict[str, tuple[int, int, str, str]] = {}
        for chunk in _chunks(numbers):
            for pid, hid, code, number, name in Person.objects.filter(id_number__in=chunk).values_list(
                    "id", "household_id", "region_code", "id_number", "name"):
                found[number] = (pid, hid, code, name)
        prefix = ctx.scope_prefix
        for row in staged.rows:
            hit = found.get(row.values["身份证号"])
            if hit is None:
                staged.reject(row, "身份证号", "该身份证号不在农户台账中：请先在农户台账中登记此人，或核对号码")
                continue
            pid, hid, code, name = hit
            if not code_in_prefix(code, prefix):
                staged.reject(row, "身份证号", "此人不在你管辖的区域内")
                continue
            given = row.values.get("姓名")
            if given and given != name:
                staged.warn(row, "姓名", f"表中姓名「{given}」与农户台账「{name}」不一致，已按身份证号导入")
            row.extra.update(person_id=pid if self.kind.match == Match.PERSON else None, household_id=hid,
                             region_code=code)

    def _match_regions(self, ctx: IntakeContext, staged: Staged) -> None:
        codes = sorted({r.values["行政区划代码"] for r in staged.rows})
        known = set()
        for chunk in _chunks(codes):
            known.update(Region.objects.filter(code__in=chunk).values_list("code", flat=True))
        prefix = ctx.scope_prefix
        for row in staged.rows:
            code = row.values["行政区划代码"]
            if code not in known:
                staged.reject(row, "行政区划代码", f"区划代码 {code} 不是已导入的区划")
            elif not code_in_prefix(code, prefix):
                staged.reject(row, "行政区划代码", "该区划不在你管辖的区域内")
            else:
                row.extra.update(person_id=None, household_id=None, region_code=code)

    def _identity(self, row: StagedRow) -> tuple:
        owner = row.extra["person_id"] or row.extra["household_id"] or row.extra["region_code"]
        return (owner, *(self._value(row, k) for k in self.kind.natural_key))

    def _value(self, row: StagedRow, field_name: str):
        column = next(c for c in self.kind.columns if c.key == field_name)
        value = row.values.get(column.name)
        # An empty text cell is stored as "" (`_instance`): the key of a stored row must compare equal.
        return "" if value is None and _is_text(self.kind.model, field_name) else value

    def _no_repeats(self, staged: Staged) -> None:
        if not self.kind.natural_key:
            return
        first: dict[tuple, int] = {}
        for row in staged.rows:
            key = self._identity(row)
            if key in first:
                staged.reject(row, self.kind.columns[0].name if self.kind.natural_key else "行政区划代码",
                              f"与第 {first[key]} 行是同一条记录，请合并为一行")
            else:
                first[key] = row.number

    def _check_fields(self, staged: Staged) -> None:
        """The model fields' own validators (a negative count, more than 12 months): the row goes back, with
        the reason, instead of failing the database's check when the file is written."""
        meta = self.kind.model._meta
        for row in staged.rows:
            for column in self.kind.columns:
                value = row.values.get(column.name)
                if not column.key or value is None:
                    continue
                field = meta.get_field(column.key)
                if isinstance(value, Decimal) and isinstance(field, models.DecimalField):
                    # Amounts are read to the cent; a field of fewer places takes the value when nothing is lost.
                    exact = value.quantize(Decimal(1).scaleb(-field.decimal_places))
                    if exact == value:
                        value = row.values[column.name] = exact
                try:
                    field.run_validators(value)
                except ValidationError as exc:
                    staged.reject(row, column.name, f"「{column.name}」{'；'.join(exc.messages)}")

    def _check_rows(self, ctx: IntakeContext, staged: Staged) -> None:
        self._check_fields(staged)
        staged.settle()
        if self.kind.check_rows is None or not staged.rows:
            return
        candidates = [{**{c.key: row.values.get(c.name) for c in self.kind.columns if c.key},
                       "id_number": str(row.values.get("身份证号") or ""), "person_id": row.extra["person_id"],
                       "household_id": row.extra["household_id"], "region_code": row.extra["region_code"],
                       "row_id": None, "user": ctx.user} for row in staged.rows]
        given = set(candidates[0])
        found = self.kind.check_rows(candidates)
        fields = {f.name for f in self.kind.model._meta.concrete_fields}
        for row, candidate in zip(staged.rows, candidates, strict=True):
            # What the check added that is a field of the row (a status from dates); anything else is its own.
            row.extra["derived"] = {k: v for k, v in candidate.items() if k not in given and k in fields}
        for index, problems in sorted(found.items()):
            for field_name, reason in problems:
                column = next((c.name for c in self.kind.columns if c.key == field_name), self.kind.columns[0].name)
                staged.reject(staged.rows[index], column, reason)

    # --- promote: upsert in bulk ----------------------------------------------------------------------------

    def _instance(self, row: StagedRow, ctx: IntakeContext):
        model = self.kind.model
        obj = model(region_code=row.extra["region_code"], person_id=row.extra["person_id"],
                    household_id=row.extra["household_id"], id_number=row.values.get("身份证号") or "",
                    batch=ctx.batch, created_by=ctx.user, updated_by=ctx.user)
        for column in self.kind.columns:
            if column.key:
                value = row.values.get(column.name)
                field = model._meta.get_field(column.key)
                if value is None and field.has_default():   # an empty cell or an absent column: the default
                    value = field.get_default()
                elif value is None and _is_text(model, column.key):
                    value = ""
                setattr(obj, column.key, value)
        for name, value in row.extra.get("derived", {}).items():
            setattr(obj, name, value)
        return obj

    def promote(self, ctx: IntakeContext, rows: list[StagedRow]) -> Written:
        kind, model = self.kind, self.kind.model
        owner_field = {Match.PERSON: "person_id", Match.HOUSEHOLD: "household_id", Match.REGION: "region_code"}[kind.match]
        # The kind's own columns and the fields its check derives from them (a status from dates).
        derived = {name for row in rows for name in row.extra.get("derived", {})}
        fields = [*kind.value_fields, *sorted(derived - set(kind.value_fields))]
        existing: dict[tuple, object] = {}
        if kind.natural_key:
            owners = sorted({self._identity(r)[0] for r in rows})
            for chunk in _chunks(owners):
                for obj in model.objects.filter(**{f"{owner_field}__in": chunk}):
                    key = (getattr(obj, owner_field), *(getattr(obj, k) for k in kind.natural_key))
                    existing[key] = obj
        creates, updates, unchanged = [], [], 0
        now = timezone.now()
        for row in rows:
            new = self._instance(row, ctx)
            old = existing.get(self._identity(row))
            if old is None:
                creates.append(new)
                continue
            if all(getattr(old, f) == getattr(new, f) for f in fields):
                unchanged += 1
                continue
            for f in fields:
                setattr(old, f, getattr(new, f))
            old.batch, old.updated_by, old.updated_at = ctx.batch, ctx.user, now
            updates.append(old)
        if creates:
            bulk_create_with_history(creates, model, batch_size=2000, default_user=ctx.user)
        if updates:
            bulk_update_with_history(updates, model, [*fields, "batch", "updated_by", "updated_at"],
                                     batch_size=2000, default_user=ctx.user)
        return Written(created=len(creates), updated=len(updates), unchanged=unchanged)


def _is_text(model, name: str) -> bool:
    return isinstance(model._meta.get_field(name), models.CharField | models.TextField)
