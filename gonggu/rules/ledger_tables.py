"""Every ledger kind as a snapshot table `ledger_<key>`: a rule over a ledger needs no engine change.

The table holds the ledger's rows in the run's region: row_id, region_code, household_id, person_id,
id_number, batch_id, and the kind's own columns under their model field names (dates DATE, amounts
DECIMAL, yes/no BOOLEAN, counts BIGINT, words VARCHAR). Spark reads the same tables from the Parquet
snapshot (parquet.py writes every registered table).
"""

from __future__ import annotations

import pyarrow as pa
from django.db import models

from gonggu.ledgers.kinds import LEDGERS, LedgerKind

from .catalog import CATALOG, TableProvider, register_table
from .snapshot import pull, scope_sql

_BASE = [("row_id", "id", pa.int64()), ("region_code", "region_code", pa.string()),
         ("household_id", "household_id", pa.int64()), ("person_id", "person_id", pa.int64()),
         ("id_number", "id_number", pa.string()), ("batch_id", "batch_id", pa.int64())]


def arrow_type(field: models.Field) -> pa.DataType:
    if isinstance(field, models.DecimalField):
        return pa.decimal128(field.max_digits, field.decimal_places)
    if isinstance(field, models.DateTimeField):
        return pa.timestamp("us", tz="UTC")
    if isinstance(field, models.DateField):
        return pa.date32()
    if isinstance(field, models.BooleanField):
        return pa.bool_()
    if isinstance(field, models.IntegerField | models.ForeignKey):
        return pa.int64()
    return pa.string()


def ledger_columns(kind: LedgerKind) -> list[tuple[str, str, pa.DataType]]:
    """(snapshot name, database column, type) of the kind's table."""
    meta = kind.model._meta
    own = [(name, meta.get_field(name).column, arrow_type(meta.get_field(name))) for name in kind.value_fields]
    return [*_BASE, *own]


def build_ledger(kind: LedgerKind, *, prefix: str | None, as_of) -> pa.Table:
    columns = ledger_columns(kind)
    select = ", ".join(column for _name, column, _type in columns)
    sql = f"SELECT {select} FROM {kind.model._meta.db_table} WHERE {scope_sql('region_code', prefix)}"
    return pull(sql, [(name, typ) for name, _column, typ in columns])


def _provider(kind: LedgerKind) -> TableProvider:
    names = "、".join(name for name, _c, _t in ledger_columns(kind))
    return TableProvider(name=kind.table, build=lambda *, prefix, as_of: build_ledger(kind, prefix=prefix, as_of=as_of),
                         description=f"{kind.title}（{kind.area}）：{names}")


def register_ledger_tables() -> None:
    for kind in LEDGERS.values():
        # A department list is read by the rules as its own table, `dept_<source>` (latest fact per person).
        if kind.table not in CATALOG.tables and not kind.intake_format:
            register_table(_provider(kind))
