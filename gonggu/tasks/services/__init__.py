"""State changes of task lists and supervision: import, map units, assign, report, chase, close.

Every function is atomic and leaves a `TaskEvent` (per task) and, for county actions, an
audit entry. Set-based where rows are many: a list's tasks and their unit names are
written with bulk_create, names are mapped with one UPDATE, and report slots of a period
are generated for all tasks at once."""

from __future__ import annotations

from .directory import (
    task_assign,
    task_townships_expand,
    task_unit_remove,
    unit_create,
    unit_name_confirm,
    unit_names_create_all,
    unit_update,
)
from .guards import EVIDENCE_SUFFIXES, MAX_TITLE
from .lists import (
    draft_create,
    draft_discard,
    draft_row_exclude,
    draft_row_update,
    draft_save,
    rows_from_parsed,
    task_list_create,
    task_list_delete,
    task_list_import,
    task_list_update,
)
from .schedule import report_slots_generate, task_deadline_set
from .supervision import reminder_mark_read, reminder_send, task_close, task_reopen, task_settings_update
from .unit_work import (
    concern_check,
    concerns_attach,
    concerns_autoattach,
    concerns_detach,
    report_submit,
    target_add,
    target_delete,
)

__all__ = [
    "EVIDENCE_SUFFIXES",
    "MAX_TITLE",
    "concern_check",
    "concerns_attach",
    "concerns_autoattach",
    "concerns_detach",
    "draft_create",
    "draft_discard",
    "draft_row_exclude",
    "draft_row_update",
    "draft_save",
    "reminder_mark_read",
    "reminder_send",
    "report_slots_generate",
    "report_submit",
    "rows_from_parsed",
    "target_add",
    "target_delete",
    "task_assign",
    "task_close",
    "task_deadline_set",
    "task_list_create",
    "task_list_delete",
    "task_list_import",
    "task_list_update",
    "task_reopen",
    "task_settings_update",
    "task_townships_expand",
    "task_unit_remove",
    "unit_create",
    "unit_name_confirm",
    "unit_names_create_all",
    "unit_update",
]
