"""Importing the registry (formats.md `registry`): validate a file, report, then apply it as one batch.

    read (`read`) → validate and plan in DuckDB (`stage`: `checks`, `plan`) → write in bulk (`write`, `db`)

The registry is the format `registry` of the intake pipeline (`intake_formats.py`): its batches are intake
batches (`RegistryBatch`, a proxy), its rejected rows and warnings intake issues (so the pipeline's pages list
them and offer the 退回表), and its result the pipeline's (`RegistryResult`, with the registry's counts). It
keeps its own staging, so the format overrides `run` (`registry_run`).

The web flow validates first (`registry_batch_validate`: nothing is written but the batch and its report)
and applies on confirmation (`registry_batch_apply`: the file is validated again against the registry as it
is then, and written in one transaction). The command line does both in one go (`registry_import`).

Rows are keyed by (county, 户编号) and 身份证号, so importing a file again updates in place and never
duplicates. Persons on record in the households or villages of the file whom the file no longer lists are
never deleted: they are listed with the batch for someone to decide (`registry_missing_decide`).

Registry rows written by an import do not get simple-history rows (they are written in bulk); the batch —
the stored original file, its checksum, who imported it and when, its issues and the per-household
outcomes — is their audit trail.

A database connection that drops mid-import (PostgreSQL) costs nothing but the run: the server rolls the
transaction back, so no household, person, income or report row of the batch stays, and the error is
`ImportConnectionLost`, one line for people. From the command line the batch row itself is rolled back too
(and the kept copy of the file removed); a web batch, whose row exists from the upload on, is marked failed
with that message and the file is uploaded again. Running the import again gives what a first run gives:
the DuckDB workspace is in memory and closed either way, and the PostgreSQL temporary tables of the bulk
updates die with the transaction or the dropped session.

The package, along the import's sections: `pipeline` (the format's run and the command line's service), `run` (the steps both flows share),
`batches` (the web flow: validate, apply, release, missing persons), `result` (the result and its JSON),
`progress`, `write` (applying the plan and the batch report), `read`, `stage` with `checks` and `plan`
(the DuckDB workspace), `sql` (its SQL text helpers), `db` (bulk reads and writes), `selectors` (the batch
pages' reads).
"""

from .batches import (
    MISSING_STATUS,
    registry_batch_apply,
    registry_batch_release,
    registry_batch_upload,
    registry_batch_validate,
    registry_missing_decide,
)
from .pipeline import registry_import, registry_run
from .result import RegistryResult, registry_json

__all__ = [
    "MISSING_STATUS",
    "RegistryResult",
    "registry_batch_apply",
    "registry_batch_release",
    "registry_batch_upload",
    "registry_batch_validate",
    "registry_import",
    "registry_json",
    "registry_missing_decide",
    "registry_run",
]
