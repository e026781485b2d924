"""Loading and changing the administrative tree.

Loading runs the intake pipeline with the `regions` format (`intake_formats.py`): the command line, the
upload page's job and the tests all end in `intake_run`, which keeps the file and records the batch.
"""

from __future__ import annotations

from pathlib import Path

from gonggu.core.jobs import Progress
from gonggu.dataio.intake import IntakeResult, intake_run

from .intake_formats import REGION_FORMAT, REGION_SPEC, RegionFileError

__all__ = ["REGION_SPEC", "RegionFileError", "regions_load"]


def regions_load(path: str | Path, *, user=None, file_label: str | None = None, remove_missing: bool = False,
                 progress: Progress | None = None) -> IntakeResult:
    """Load (or update) regions from a file; all or nothing (`RegionFileError` lists every bad row).

    The result's `changes` report says what the list added, renamed, moved and left out. Regions the list
    leaves out (below its top rows) are only reported, unless `remove_missing`: then they are deleted, and
    the load is refused with the counts when households or anything else still lie in them.
    """
    return intake_run(REGION_FORMAT, path=path, file_label=file_label, user=user, progress=progress,
                      remove_missing=remove_missing)
