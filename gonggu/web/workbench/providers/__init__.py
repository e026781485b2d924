"""One module per work area; importing them registers their providers (in this order on equal urgency)."""

from . import assessment, monitoring, rules, screening, sources, tasks  # noqa: F401
