"""An export of another system (the national 防返贫监测信息系统) read as registry cells: its values mapped, the
columns it lacks defaulted, the columns the registry does not model kept as JSON for `extra` (docs/intake.md)."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc

from gonggu.dataio.columns import normalize_header


def _json(data: dict[str, str]) -> str:
    """JSON text as PostgreSQL prints a jsonb value (keys by byte length, then bytes; ", " and ": " between), so
    that a value read back compares equal to the file's on either database."""
    ordered = sorted(data.items(), key=lambda kv: (len(kv[0].encode()), kv[0].encode()))
    return json.dumps(dict(ordered), ensure_ascii=False)


def as_registry(table: pa.Table, found, present: set[str], column_keys: dict[str, str]) -> tuple[pa.Table, set[str]]:
    """An export's values mapped onto the registry's, the columns it lacks filled with their default, its kept
    columns (kept0, kept1 … of `found.kept`) turned into the JSON texts `extra_p` and `extra_h`."""
    dialect = found.dialect
    n = table.num_rows
    # The export's values → the registry's (distinct values only: a column has a handful).
    for col in found.spec.columns:
        key = column_keys.get(col.name)
        if key is None or key not in present or not col.synonyms:
            continue
        encoded = pc.dictionary_encode(table.column(key)).combine_chunks()
        mapped = [None if v is None else (col.synonyms.get(v, v) or None) for v in encoded.dictionary.to_pylist()]
        values = pc.take(pa.array(mapped, pa.string()), encoded.indices)
        table = table.set_column(table.schema.get_field_index(key), key, values)
    # A column the export does not have, with one value for every row (户类型 of a list of 脱贫户).
    for name, value in dialect.defaults.items():
        key = column_keys[name]
        if key not in present:
            table = table.set_column(table.schema.get_field_index(key), key, pa.array([value] * n, pa.string()))
            present = present | {key}
    # The kept columns as JSON objects, one for the person and one for the household (empty cells left out).
    household = {normalize_header(h) for h in dialect.household_columns}
    kept = [(h, f"kept{j}", normalize_header(h) in household) for j, (h, _i) in enumerate(found.kept)]
    cells = {key: table.column(key).to_pylist() for _h, key, _x in kept}
    person_json, household_json = [], []
    for i in range(n):
        for target, own in ((person_json, False), (household_json, True)):
            data = {h: cells[key][i] for h, key, is_household in kept if is_household == own and cells[key][i]}
            target.append(_json(data) if data else None)
    table = table.drop_columns([key for _h, key, _x in kept])
    table = table.append_column("extra_p", pa.array(person_json, pa.string())).append_column(
        "extra_h", pa.array(household_json, pa.string()))
    return table, present
