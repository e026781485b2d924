"""Constants and SQL text helpers shared by the stages of a registry import (DuckDB)."""

from __future__ import annotations

from pathlib import Path

from .read import KEY_COLUMNS

FULL_DIGITS = "０１２３４５６７８９"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
MAX_AMOUNT_CENTS = 10**14  # DecimalField(max_digits=14, decimal_places=2)
FIRST_YEAR = 2000
AMOUNTS = ("wage", "business", "property", "transfer", "expense")
COLUMN_ORDER = {key: i for i, key in enumerate(KEY_COLUMNS)}
MEMORY_LIMIT = "1GB"


def spill_dir() -> str:
    from django.conf import settings

    folder = Path(settings.DATA_DIR) / "tmp" / "duckdb"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def in_list(values) -> str:
    return "(" + ", ".join(quote(v) for v in values) + ")"


def cell_shown(col: str) -> str:
    """A cell value quoted in a reason, cut to 20 characters."""
    return f"'「' || left({col}, 20) || CASE WHEN length({col}) > 20 THEN '…' ELSE '' END || '」'"


def mask_sql(col: str) -> str:
    return (f"CASE WHEN {col} IS NULL THEN '' WHEN length({col}) > 10 THEN left({col}, 6) || "
            f"repeat('*', length({col}) - 10) || right({col}, 4) ELSE repeat('*', length({col})) END")
