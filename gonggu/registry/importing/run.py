"""The steps every registry import runs: stage a file, the batch's region, an earlier batch of the same file, a
dropped connection told apart from other errors."""

from __future__ import annotations

import logging
from pathlib import Path

from django.utils import timezone

from gonggu.core.errors import ImportConnectionLost, committed_after_loss, connection_lost

from ..models import (
    RegistryBatch,
)
from .progress import Steps
from .read import read_registry_file
from .stage import Options, Stage

log = logging.getLogger("gonggu.import")


def stage_file(path: str | Path, file_label: str | None, *, scope_prefix: str | None, steps: Steps) -> Stage:
    raw = read_registry_file(path, file_label=file_label)
    steps.done("read", total=raw.rows)
    stage = Stage(raw, Options(scope_prefix=scope_prefix, today=timezone.localdate()))
    try:
        stage.resolve_names()
        stage.clean()
        stage.normalise_slow_ids()
        stage.lookup_villages()
        stage.reject()
        steps.done("validate")
        stage.load_existing()
        steps.done("load_existing")
        stage.accept()
        stage.plan_households()
        stage.plan_persons()
        stage.warn()
        stage.plan_incomes()
        stage.plan_outcomes()
        stage.plan_missing()
        stage.collect_issues()
        stage.count()
        stage.drop_planning_tables()
        steps.done("plan")
    except BaseException:
        stage.close()
        raise
    return stage


def region_for(counties: list[str], user) -> str:
    if len(counties) == 1:
        return counties[0].ljust(12, "0")
    region = getattr(user, "region", None)
    return region.code if region is not None else ""


def same_file(sha: str, exclude: int | None = None) -> int | None:
    earlier = RegistryBatch.objects.filter(checksum=sha, status=RegistryBatch.Status.APPLIED)
    if exclude:
        earlier = earlier.exclude(pk=exclude)
    return earlier.order_by("-pk").values_list("pk", flat=True).first()


# Returned by `lost_error` when the connection dropped while committing but the commit went through.
COMMITTED = object()


def lost_error(exc: BaseException, label: str, *, committing: int | None = None):
    """The ImportConnectionLost to raise for `exc` when it is a dropped database connection, else None.

    `committing` is the batch whose transaction was being committed when the connection dropped. A drop before
    the commit leaves nothing (the server rolls back); one during it may have lost only the acknowledgement,
    so the database is asked on a new connection (`COMMITTED` when the batch was applied after all).
    """
    reason = connection_lost(exc)
    if reason is None:
        return None
    state = False
    if committing is not None:
        state = committed_after_loss(
            lambda: RegistryBatch.objects.filter(pk=committing, status=RegistryBatch.Status.APPLIED).exists())
    if state:
        log.warning("registry import of %s: connection lost after the commit went through: %s", label, reason)
        return COMMITTED
    log.warning("registry import of %s: database connection lost: %s", label, reason)
    return ImportConnectionLost(reason, maybe_committed=state is None)
