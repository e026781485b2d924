"""Turning task-list documents (责任分工任务清单) into structured tasks.

Pure Python: no models, no database. The documents come in several shapes, each with
its own reader below; `detect_shape` picks one:

- ``table``: a table flattened to text, one row per line with TAB-separated cells
  (序号/工作任务/牵头单位/责任单位/完成时限), cells that drift between columns, merged
  headings printed once per page and `<p>` fragments (北安市 清单, 003).
- ``columns``: a column layout printed as plain lines (主要工作/分项内容/任务分解及工作要求/
  评价方式/责任单位), wrapped at fixed widths, with vertical headings (河南 一览表, 000).
- ``numbered``: numbered paragraphs "1.标题。内容。（牵头单位）" under "一、" headings (陇县, 004).
- ``notice``: a notice whose numbered paragraphs carry dates ("10 月 31 日前报至…") (002).
- ``handbook``: 政策依据/工作重点/关注问题 per area; no tasks, but `parse_concerns`
  reads its 关注问题 lists (001).
- ``outline``: the house styles of county documents in running text — nested numbering down
  to （1） and ①, units by label inline or on lines of their own, units in prose, traditional
  characters (`gonggu.tasks.outline`).

`.docx` and `.xlsx` files go through `parse_file`: their tables have real columns, so
rows are read by header name; paragraphs go through the numbered-paragraph reader. An
`.xlsx` is read by the intake pipeline's reader (`gonggu.dataio.readers.read_sheet`), which
checks the file first (damaged, password-protected, a zip bomb) and gives every cell as text.
A task list is a document, not a row format: its columns are recognised by name here, and
its doubtful rows become warnings for the preview, not rejected rows.

The parser never guesses: text it cannot place stays as text, and each doubtful step
(an inferred number, a merged row, a deadline without a readable date) adds a warning."""

from __future__ import annotations

from . import (
    columns,  # noqa: F401  (registers at import)
    grid,  # noqa: F401  (registers at import)
    numbered,  # noqa: F401  (registers at import)
    table,  # noqa: F401  (registers at import)
    table_cells,  # noqa: F401  (registers at import)
)
from .api import check_readable, detect_shape, parse_file, parse_text
from .concerns import parse_concerns
from .readers import _read_text
from .results import NO_TASKS, READABLE_LABEL, READABLE_SUFFIXES, SHAPE_LABELS, ParsedDocument, ParsedTask
from .text import (
    COLUMN_FIELDS,
    ITEM_RE,
    SECTION_RE,
    SUB_RE,
    asks_yearly_breakdown,
    detect_report_schedule,
    detect_year,
    split_title,
    split_units,
)

__all__ = [
    "COLUMN_FIELDS",
    "ITEM_RE",
    "NO_TASKS",
    "ParsedDocument",
    "ParsedTask",
    "READABLE_LABEL",
    "READABLE_SUFFIXES",
    "SECTION_RE",
    "SHAPE_LABELS",
    "SUB_RE",
    "_read_text",
    "asks_yearly_breakdown",
    "check_readable",
    "detect_report_schedule",
    "detect_shape",
    "detect_year",
    "parse_concerns",
    "parse_file",
    "parse_text",
    "split_title",
    "split_units",
]
