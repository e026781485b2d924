"""Handlers that act when a village includes a warning's household in monitoring (纳入监测).

Screening cannot import monitoring (monitoring is the higher layer), so monitoring
registers a handler here from its AppConfig.ready(); `warning_verify` calls every
handler inside its transaction, so a handler that fails undoes the verification.
"""

from __future__ import annotations

from collections.abc import Callable

InclusionHandler = Callable[..., object]   # fn(warning, *, user) -> anything

_inclusion_handlers: list[InclusionHandler] = []


def register_inclusion_handler(fn: InclusionHandler) -> InclusionHandler:
    """Register `fn(warning, *, user)`; registering the same function twice has no effect. Usable as a decorator."""
    if fn not in _inclusion_handlers:
        _inclusion_handlers.append(fn)
    return fn


def unregister_inclusion_handler(fn: InclusionHandler) -> None:
    if fn in _inclusion_handlers:
        _inclusion_handlers.remove(fn)


def inclusion_handlers() -> tuple[InclusionHandler, ...]:
    return tuple(_inclusion_handlers)
