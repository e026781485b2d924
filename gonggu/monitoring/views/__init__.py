"""Monitoring pages: thin — parse, call a service or selector, render. Refusals come back as messages.

One module per part of the work: `public` (self-declaration), `lists` (queue, clues, cases), `case` (the case
page and its steps), `assistance` (assistance, elimination, 兜底保障户), `notices`, `settings` (compliance,
timeline, time limits); `common` holds the permissions and the message helpers.
"""

from .assistance import (
    case_officer,
    case_plan,
    elimination_step,
    measure_end_view,
    measure_new,
    nolabour_step,
    visit_new,
    visit_photo,
)
from .case import case_batch, case_detail, case_green, case_step, commitment_scan
from .lists import case_list_view, clue_detail, clue_list, clue_new, household_options, queue
from .notices import (
    notice_detail,
    notice_docx_view,
    notice_list,
    notice_photo,
    notice_posting,
    notice_print,
    objection_new,
    objection_resolve,
)
from .public import declare, declare_regions, declare_status
from .settings import compliance, household_timeline_view, limits_view

__all__ = ["declare", "declare_regions", "declare_status", "queue", "clue_list", "clue_new", "household_options", "clue_detail", "case_list_view", "case_detail", "case_step", "case_batch", "case_green", "commitment_scan", "case_officer", "case_plan", "measure_new", "measure_end_view", "visit_new", "visit_photo", "elimination_step", "nolabour_step", "notice_list", "notice_detail", "notice_posting", "objection_new", "objection_resolve", "notice_docx_view", "notice_print", "notice_photo", "compliance", "household_timeline_view", "limits_view"]
