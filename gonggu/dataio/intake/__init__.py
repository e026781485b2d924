"""The one intake pipeline: every import of the product runs these steps.

    batch (source, the file kept, checksum, as-of, who, region, status, counts)
      → read (readers: every file form offices have)
      → stage (cells parsed by the format's column spec; every problem of every row collected)
      → validate (the format's checks over the whole set: unknown households, duplicates, scope …)
      → promote (the format writes its valid rows set-based, in one transaction with the batch and its issues)
      → one result shape (`IntakeResult.as_json`, cli.md) and one batch page with the 退回表

A format is an `IntakeFormat` subclass registered with `register_format`; each app declares its formats in
an `intake_formats.py` module (autodiscovered). A format supplies its column spec, who may import it, its
checks and its writer; the pipeline does the rest, the same way for all of them. A format whose staging
is its own (the registry validates a million rows in DuckDB) overrides `run` but keeps the batch, the
issues, the result and the pages.

A database connection that drops mid-import leaves nothing: the server rolls the transaction back, and the
error is `ImportConnectionLost`, one line for people. Importing the same file again is a clean first import
(a batch is known by its format and checksum).

Modules: `results` (what is staged and reported), `formats` (`IntakeFormat` and the registry), `writing`
(promotion in one transaction), `run` (the entry points).
"""

from .formats import FORMATS, IntakeFormat, format_get, formats_for_user, register_format
from .results import (
           MAX_ISSUES_SHOWN,
           IntakeContext,
           IntakeResult,
           Problem,
           Progress,
           Staged,
           StagedRow,
           Written,
)
from .run import intake_batch_process, intake_run, intake_upload
from .writing import DuplicateFile, applied_batch_of

__all__ = ["FORMATS", "MAX_ISSUES_SHOWN", "DuplicateFile", "IntakeContext", "IntakeFormat", "IntakeResult",
           "Problem", "Progress", "Staged", "StagedRow", "Written", "applied_batch_of", "format_get",
           "formats_for_user", "intake_batch_process", "intake_run", "intake_upload", "register_format"]
