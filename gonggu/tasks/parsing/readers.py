"""File readers: `.txt` (UTF-8 or GB18030), `.docx` (paragraphs with their list numbers, tables) and `.xlsx`
(through the intake pipeline's reader, merged cells spread)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gonggu.core.errors import UserFacingError
from gonggu.dataio.readers import Sheet, read_sheet

from .grid import _find_grid_header
from .text import ITEM_RE

# --------------------------------------------------------------------------- file readers


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserFacingError(f"无法读取“{path.name}”：文本既不是 UTF-8 编码，也不是 GB18030（GBK）编码。")


def _read_docx(path: Path) -> Iterator[tuple[str, object]]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    counters: dict[str, int] = {}
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            text = paragraph.text
            number = _list_number(document, paragraph, counters)
            if number == "bullet":
                text = f"• {text}"
            elif number and not ITEM_RE.match(text.strip()):
                text = f"{number}.{text}"
            yield "p", text
        elif tag == "tbl":
            table = Table(element, document)
            yield "table", [[cell.text for cell in row.cells] for row in table.rows]


def _list_number(document, paragraph, counters: dict[str, int]) -> int | str | None:
    """The number Word shows for an automatically numbered paragraph (it is not in the text),
    or "bullet" for a bulleted one, which must not be read as a heading."""
    num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    style = paragraph.style
    while num_pr is None and style is not None:
        style_ppr = style.element.pPr
        num_pr = style_ppr.numPr if style_ppr is not None else None
        style = style.base_style
    if num_pr is None or num_pr.numId is None or num_pr.numId.val == 0:
        return None
    level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
    num_id = str(num_pr.numId.val)
    if _number_format(document, num_id) == "bullet":
        return "bullet"
    if level != 0:
        return None
    counters[num_id] = counters.get(num_id, 0) + 1
    return counters[num_id]


def _number_format(document, num_id: str) -> str | None:
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return None
    abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
    if not abstract:
        return None
    formats = numbering.xpath(
        f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="0"]/w:numFmt/@w:val'
    )
    return formats[0] if formats else None


def _read_xlsx(path: Path, label: str) -> Iterator[tuple[str, object]]:
    """Every worksheet with content, as a grid of text cells (and its title line before a task table).

    The cells come from the pipeline's reader. Its `Sheet` does not carry merged areas, which a task table
    relies on (a 类别 or 牵头单位 cell merged down the tasks it covers), so they are taken from the
    workbook's outline, read only after the reader has checked the whole file.
    """
    first = _sheet_or_none(path, label, None)
    for name, first_col, merges in _sheet_outline(path, label):
        sheet = first if first is not None and first.sheet_name == name else _sheet_or_none(path, label, name)
        if sheet is None:
            continue
        grid = _spread_merges(sheet, first_col, merges)
        title = next((row[0] for row in grid if row and row[0] and len({c for c in row if c}) == 1), None)
        if title and _find_grid_header(grid) is not None:
            yield "p", title
        yield "table", grid


def _sheet_or_none(path: Path, label: str, name: str | None) -> Sheet | None:
    """One worksheet through the reader (the first visible one when `name` is None); None when it is blank."""
    try:
        return read_sheet(path, file_label=label, sheet=name)
    except UserFacingError as exc:
        if "没有任何内容" in exc.message:  # a blank sheet is no error in a workbook of several
            return None
        raise


def _sheet_outline(path: Path, label: str) -> list[tuple[str, int, list]]:
    """(name, first column of the used area, merged areas) of every worksheet with a used area."""
    from python_calamine import CalamineWorkbook

    outline = []
    try:
        with path.open("rb") as f:
            workbook = CalamineWorkbook.from_filelike(f)
            for name in workbook.sheet_names:
                ws = workbook.get_sheet_by_name(name)
                if ws.start is not None:
                    outline.append((name, ws.start[1], list(ws.merged_cell_ranges or [])))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types; the reader has read the file already
        raise UserFacingError(f"无法打开“{label}”：文件已损坏，或不是真正的 .xlsx 文件。") from exc
    return outline


def _spread_merges(sheet: Sheet, first_col: int, merges: list) -> list[list[str | None]]:
    """The sheet's rows (header included, blank rows left out) with a merged value in every cell of its area.

    The reader's rows are numbered as in the file and its cells start at the used area's first column;
    calamine's merged areas count both from zero.
    """
    numbered = [(sheet.header_row, list(sheet.header)), *((n, list(cells)) for n, cells in sheet.rows)]
    width = max(len(cells) for _, cells in numbered)
    index = {number: cells + [None] * (width - len(cells)) for number, cells in numbered}
    for (r0, c0), (r1, c1) in merges:
        top = index.get(r0 + 1)
        col = c0 - first_col
        if top is None or not 0 <= col < width or top[col] is None:
            continue
        value = top[col]
        for number in range(r0 + 1, r1 + 2):
            cells = index.get(number)
            if cells is None:
                continue
            for c in range(max(col, 0), min(c1 - first_col + 1, width)):
                cells[c] = value
    return [index[number] for number, _ in numbered]
