"""The registry as a format of the intake pipeline (`registry`, formats.md).

The pipeline keeps the batch, its issues, the one result shape and the batch pages with the 退回表; the
registry keeps its own staging: a million rows are validated and planned in DuckDB and written set-based
(`importing.registry_run`), which is why the format overrides `run`. Its web flow validates first and
applies on confirmation (the registry's import pages); the command line does both in one go.
"""

from __future__ import annotations

from django.urls import reverse

from gonggu.core.access import Perm
from gonggu.dataio.intake import IntakeFormat, IntakeResult, register_format

from .importing import registry_json, registry_run
from .models import REGISTRY_FORMAT
from .spec import REGISTRY_SPEC


class RegistryFormat(IntakeFormat):
    key = REGISTRY_FORMAT
    title = "农户台账"
    group = "农户台账"
    spec = REGISTRY_SPEC
    perm = Perm.IMPORT_REGISTRY
    # Importing a registry file again is how the registry is updated: never refused as a duplicate.
    refuse_duplicates = False
    description = "每人一行的农户和家庭成员台账，含收入年度的家庭收入；先校验、确认后导入。"

    def run(self, *, path, ctx, dry_run, progress, stored_path, batch) -> IntakeResult:
        return registry_run(self, path=path, ctx=ctx, dry_run=dry_run, progress=progress, stored_path=stored_path,
                            batch=batch)

    def json_extras(self, result: IntakeResult) -> dict:
        return registry_json(result)

    def key_of(self, values: dict) -> str:
        return str(values.get("户编号") or "")

    def detail_url(self, batch) -> str:
        return reverse("registry_import_batch", args=[batch.pk])


REGISTRY = register_format(RegistryFormat())
