"""A department list is checked and written in chunks: the same result as in one piece, bounded memory.

Chunks of 3 rows put the chunk boundaries between a row and its duplicate, a bad row and the next, so
every check that carries from chunk to chunk is exercised on a small file.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from gonggu.core.errors import UserFacingError
from gonggu.dataio import readers
from gonggu.dataio.intake import intake_run
from gonggu.dataio.models import IntakeIssue
from gonggu.registry.demo import make_id_number
from gonggu.registry.factories import HouseholdFactory, PersonFactory
from gonggu.sources.intake_formats import DeptFormat
from gonggu.sources.models import Batch, Fact
from gonggu.sources.specs import SOURCES

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(dt.datetime(2025, 6, 30, 10, 0), tick=False):
        yield


def number(i: int) -> str:
    return make_id_number("410122", dt.date(1980, 1, 1) + dt.timedelta(days=i), 11)


@pytest.fixture
def members(regions):
    household = HouseholdFactory(village=regions["village"])
    return [PersonFactory(household=household, id_number=number(i), name=f"人{i}") for i in range(4)]


def fmt(source: str, chunk_rows: int | None) -> DeptFormat:
    """The registered format's definition, staged in chunks of `chunk_rows` (None: the whole file at once)."""
    made = DeptFormat(SOURCES[source])
    made.chunk_rows = chunk_rows
    return made


def write(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def assistance_lines() -> list[str]:
    bad = number(9)[:17] + ("0" if number(9)[17] != "0" else "1")
    return [
        "低保特困人员名单",                          # 1: a title row above the header
        "身份证号,姓名,救助类别,状态,起始日期",        # 2
        f"{number(0)},人0,低保,在保,2024/3/1",       # 3
        f"{number(1)},人1,特困,在保,2024/3/1",       # 4
        "",                                           # 5: blank, left out but counted
        f"{bad},坏号,低保,在保,2024/3/1",            # 6: a bad check digit
        f"{number(0)},人0,低保,在保,2024/3/1",       # 7: identical to row 3 (an earlier chunk): merged
        f"{number(1)},人1,低保,停保,2024/3/1",       # 8: differs from row 4 (an earlier chunk): refused
        f"{number(2)},人2,低保,在保,2023/1/1",       # 9
        f"{number(5)},不在台账,低保,在保,2024/5/1",  # 10: not in the registry (kept, unmatched)
        f"{number(3)},人3,低保,在保,不是日期",       # 11: a bad date
        f"{number(2)},人2,低保,在保,2023/1/1",       # 12: identical to row 9: merged
        f"{number(3)},人3,特困,在保,2024/7/1",       # 13
    ]


def outcome(result) -> dict:
    data = result.as_json()
    data.pop("batch")
    data.pop("file")
    facts = sorted(Fact.objects.filter(batch_id=result.batch.pk)
                   .values_list("row_number", "id_number", "category", "status", "fact_date", "amount", "amount2"))
    issues = sorted(IntakeIssue.objects.filter(batch_id=result.batch.pk)
                    .values_list("kind", "row", "column", "reason"))
    return {"json": data, "facts": facts, "issues": issues, "summary": result.summary().split("：", 1)[1]}


def test_chunks_give_the_same_result_as_the_whole_file(members, tmp_path):
    lines = assistance_lines()
    whole = intake_run(fmt("mz_assistance", None), path=write(tmp_path, "a.csv", lines), as_of=AS_OF)
    chunked = intake_run(fmt("mz_assistance", 3), path=write(tmp_path, "b.csv", [*lines, ""]), as_of=AS_OF)
    assert outcome(chunked) == outcome(whole)
    data = outcome(chunked)["json"]
    assert (data["rows"], data["accepted"], data["created"], data["unmatched"], data["matched"]) == (10, 5, 5, 1, 4)
    # Row numbers are the file's, across chunk boundaries, and name the earlier row of another chunk.
    assert [(p["row"], p["column"]) for p in data["rejected"]] == [(6, "身份证号"), (8, "身份证号"), (11, "起始日期")]
    assert "同一人在第 4 行已有一条内容不同的记录" in data["rejected"][1]["reason"]
    assert [(w["row"], w["reason"]) for w in data["warnings"]] == [
        (7, "与第 3 行完全相同，已合并"), (12, "与第 9 行完全相同，已合并")]
    batch = Batch.objects.get(pk=chunked.batch.pk)
    assert (batch.rows, batch.accepted, batch.rejected_rows, batch.warning_count) == (10, 5, 3, 2)


def test_per_year_amounts_add_up_into_a_row_of_an_earlier_chunk(members, tmp_path):
    lines = ["身份证号,姓名,年度,医疗总费用,个人自付",
             f"{number(0)},人0,2024,1000,100",      # 2
             f"{number(1)},人1,2024,50,5",          # 3
             f"{number(2)},人2,2024,70,7",          # 4
             f"{number(0)},人0,2024,\"2,000.5\",200",  # 5: adds to row 2, written with the first chunk
             f"{number(0)},人0,2023,9,0",           # 6: another year: its own fact
             f"{number(1)},人1,2024,1,1",           # 7: adds to row 3
             f"{number(0)},人0,2024,3,0",           # 8: adds to row 2 again
             ]
    whole = intake_run(fmt("yb_expense", None), path=write(tmp_path, "a.csv", lines), as_of=AS_OF)
    chunked = intake_run(fmt("yb_expense", 3), path=write(tmp_path, "b.csv", [*lines, ""]), as_of=AS_OF)
    assert outcome(chunked) == outcome(whole)
    facts = {(r, y): (a, b) for r, y, a, b in Fact.objects.filter(batch_id=chunked.batch.pk)
             .values_list("row_number", "year", "amount", "amount2")}
    assert facts == {(2, 2024): (Decimal("3003.50"), Decimal("300.00")), (3, 2024): (Decimal("51.00"), Decimal("6.00")),
                     (4, 2024): (Decimal("70.00"), Decimal("7.00")), (6, 2023): (Decimal("9.00"), Decimal("0.00"))}
    assert [w["row"] for w in chunked.as_json()["warnings"]] == [5, 7, 8]


def test_a_bad_row_after_chunks_were_written_leaves_nothing(members, tmp_path):
    path = tmp_path / "list.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("身份证号,姓名,救助类别,状态\n")
        for i in range(40):
            f.write(f"{number(i)},人{i},低保,在保\n")
        f.write(f'{number(50)},"人,' + "很长" * (csv.field_size_limit() // 2 + 10) + "\n")
    with pytest.raises(UserFacingError, match="不是有效的 CSV：有一个单元格超过"):
        intake_run(fmt("mz_assistance", 3), path=path, as_of=AS_OF)
    assert not Fact.objects.exists() and not Batch.objects.exists()


@pytest.mark.parametrize("body", ["unparseable", "too_many_cells", "mixed_encoding"])
def test_a_wrong_header_is_refused_before_the_body_is_read(body, members, tmp_path, monkeypatch):
    """The header names another list; the body would fail to read: the header's message, not the body's."""
    path = tmp_path / "list.csv"
    # More than the first 64 KB the encoding is guessed from, for the mixed one.
    count = 2000 if body == "mixed_encoding" else readers.HEADER_SEARCH_ROWS + 5
    rows = "".join(f"{number(i)},人{i},已参保,2025\n" for i in range(count))
    data = ("身份证号,姓名,参保状态,参保年度\n" + rows).encode("utf-8")
    if body == "unparseable":
        data += f'{number(60)},"人,'.encode() + ("很长" * (csv.field_size_limit() // 2 + 10)).encode()
    elif body == "too_many_cells":
        monkeypatch.setattr(readers.base, "MAX_CELLS", 4 * (readers.HEADER_SEARCH_ROWS + 3))
    else:
        data += f"{number(60)},李四,已参保,2025\n".encode("gbk")
    path.write_bytes(data)
    with pytest.raises(UserFacingError) as exc:
        intake_run("dept.mz_assistance", path=path, as_of=AS_OF)
    assert "缺少必需的列：救助类别、状态" in exc.value.message
    assert "yb_enrolment" in exc.value.message  # it names the list the header belongs to
    assert not Batch.objects.exists()
    # The same body under the right header: the body's own problem, in Chinese.
    path.write_bytes(data.replace("参保状态,参保年度".encode(), "救助类别,状态".encode(), 1))
    with pytest.raises(UserFacingError, match="不是有效的 CSV|单元格超过|混用了两种编码"):
        intake_run("dept.mz_assistance", path=path, as_of=AS_OF)
