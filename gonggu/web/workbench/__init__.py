"""我的工作台: what is waiting for the signed-in user, from every work area, most urgent first.

Each work area contributes through one interface: a provider is a function `(WorkContext) -> Iterable[WorkItem]`
registered with `@provider(...)` in `providers/`. A new work area adds one provider module; the page, the
ordering and the urgency words are shared. Providers read through the apps' selectors (region-scoped,
set-based) and return nothing for roles they do not concern.
"""

from .base import PROVIDERS, WorkContext, WorkItem, items_for, provider

__all__ = ["PROVIDERS", "WorkContext", "WorkItem", "items_for", "provider"]
