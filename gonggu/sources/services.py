"""Importing department lists: the intake pipeline with the formats of `intake_formats.py`.

`batch_import` is the one entry point for the command line, the upload page's background job and the demo.
Bad rows never stop good ones: every problem of every row is kept with the batch (its intake issues, and
the 退回表 built from them), and the rest is imported. Whole-file problems (unknown source, wrong columns,
no rows, an unreadable file) raise `UserFacingError` before anything is written. A database connection that
drops mid-import raises `ImportConnectionLost` and leaves nothing (see `gonggu.dataio.intake`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gonggu.core.jobs import Progress
from gonggu.dataio.intake import IntakeResult, intake_run, intake_upload
from gonggu.dataio.models import IntakeBatch

from .intake_formats import DEPT_FORMATS
from .models import Batch
from .specs import source_get


def _format(source: str):
    return DEPT_FORMATS[source_get(source).key]


def batch_import(
    *,
    source: str,
    path: str | Path,
    file_label: str | None = None,
    as_of: dt.date | None = None,
    user=None,
    region_code: str | None = None,
    stored_path: str | None = None,
    progress: Progress | None = None,
    batch: IntakeBatch | None = None,
) -> IntakeResult:
    """Import one department list. `stored_path`: the file is already kept (web upload); else a copy is kept."""
    result = intake_run(_format(source), path=path, file_label=file_label, user=user, as_of=as_of,
                        region_code=region_code, stored_path=stored_path, progress=progress, batch=batch)
    if result.batch is not None:
        result.batch = Batch.objects.get(pk=result.batch.pk)  # read with the department list's words
    return result


def batch_upload(*, user, source: str, uploaded, as_of: dt.date | None) -> IntakeBatch:
    """Checks for the upload page and the kept file, as a pending batch; its job imports it."""
    return intake_upload(format_key=_format(source).key, user=user, uploaded=uploaded, as_of=as_of)
