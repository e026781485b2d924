"""The client's address as the trusted proxy reports it.

`X-Forwarded-For` is written by whoever sends the request; only the entries appended by our own
proxies (setting `GONGGU_TRUSTED_PROXIES`: addresses or networks) can be believed. The client is the
right-most address that is not one of those proxies; a request that did not come through a trusted
proxy is its socket's address, whatever headers it carries.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The real client address of `request` (None without a request)."""
    if request is None:
        return None
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    networks = _networks(tuple(getattr(settings, "GONGGU_TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(remote, networks):
        return _valid(remote)
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            # A malformed entry: the last address that can be named is the proxy's own.
            return _valid(hop) or _valid(remote)
    return _valid(remote)
