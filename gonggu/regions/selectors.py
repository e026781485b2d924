"""Reads of the administrative tree, scoped to the user's region."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from gonggu.core.codes import Level, in_scope_q
from gonggu.core.errors import NotFoundInScope

from .models import Region


def regions_in_scope(prefix: str | None) -> QuerySet[Region]:
    return Region.objects.filter(in_scope_q("code", prefix))


def region_get_in_scope(code: str, prefix: str | None) -> Region:
    """The region with `code` if it lies inside the scope, else NotFoundInScope (same as missing)."""
    region = regions_in_scope(prefix).filter(code=code).select_related("parent").first()
    if region is None:
        raise NotFoundInScope("行政区划")
    return region


def region_children(region: Region) -> QuerySet[Region]:
    return (
        region.children.annotate(n_children=Count("children"))
        .order_by("code")
    )


def villages_in_scope(prefix: str | None) -> QuerySet[Region]:
    return regions_in_scope(prefix).filter(level=Level.VILLAGE)


def region_search(prefix: str | None, text: str) -> QuerySet[Region]:
    text = text.strip()
    if not text:
        return Region.objects.none()
    return regions_in_scope(prefix).filter(Q(name__contains=text) | Q(code__startswith=text)).order_by("code")[:50]


def region_counts_by_level(prefix: str | None) -> dict[str, int]:
    rows = regions_in_scope(prefix).values("level").annotate(n=Count("id"))
    return {r["level"]: r["n"] for r in rows}
