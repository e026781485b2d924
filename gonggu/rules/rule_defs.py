"""The rules app's part of the catalog: base snapshot tables, shared views, parameters and every rule
of rules.md (one module each under `definitions/`)."""

import importlib
import pkgutil

from . import definitions, derived, params  # noqa: F401 - importing registers the views and parameters
from .catalog import register_rule
from .ledger_tables import register_ledger_tables
from .snapshot import register_base_tables

register_base_tables()
# Every ledger kind's table (the ledgers app has registered the kinds before the rules are read).
register_ledger_tables()

for _info in sorted(pkgutil.iter_modules(definitions.__path__), key=lambda m: m.name):
    _module = importlib.import_module(f"{definitions.__name__}.{_info.name}")
    if hasattr(_module, "RULE"):
        register_rule(_module.RULE)
