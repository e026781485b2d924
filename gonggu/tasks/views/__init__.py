"""Pages of task lists and supervision. Thin: parse the request, call a selector or a service, render.

One module per part: `drafts` (import and preview), `lists`, `task` (one task and its reports), `manage`
(a manager's actions), `board` (home, 督办 board, my tasks, inbox), `units` (directory, settings); `common`
holds the shared helpers.
"""

from .board import task_board, task_home, task_inbox, task_inbox_read, task_mine
from .drafts import (
    task_draft,
    task_draft_discard,
    task_draft_row,
    task_draft_row_edit,
    task_draft_row_exclude,
    task_draft_save,
    task_import,
    task_list_index,
)
from .lists import (
    task_list_concerns,
    task_list_delete,
    task_list_detail,
    task_list_export,
    task_list_settings,
    task_list_slots,
    task_list_units,
)
from .manage import (
    task_assign,
    task_close,
    task_deadline,
    task_evidence,
    task_remind,
    task_reopen,
    task_unassign,
)
from .task import task_concern_check, task_concerns, task_detail, task_report, task_target, task_target_delete
from .units import task_settings, task_unit_edit, task_unit_new, task_units

__all__ = ["task_list_index", "task_import", "task_draft", "task_draft_row", "task_draft_row_edit", "task_draft_row_exclude", "task_draft_save", "task_draft_discard", "task_list_detail", "task_list_settings", "task_list_slots", "task_list_concerns", "task_list_delete", "task_list_export", "task_list_units", "task_detail", "task_report", "task_target", "task_target_delete", "task_concern_check", "task_concerns", "task_assign", "task_unassign", "task_deadline", "task_remind", "task_close", "task_reopen", "task_evidence", "task_board", "task_mine", "task_inbox", "task_inbox_read", "task_home", "task_units", "task_unit_new", "task_unit_edit", "task_settings"]
