"""Parser additions for importing: the notice's reporting rule, the breakdown request, the list's title,
clean TAB tables with a 序号 column, deadlines that name no date, and refusing unreadable formats."""


import pytest

from conftest import seed_file
from gonggu.core.errors import UserFacingError
from gonggu.tasks.parsing import (
    asks_yearly_breakdown,
    check_readable,
    detect_report_schedule,
    parse_file,
    parse_text,
)


def test_report_rule_of_a_notice():
    text = "三、加强调度推进。《任务清单》中的牵头单位要在每年11月20日前向市乡村振兴局反馈工作进展情况。\n"
    recurrence, sentence = detect_report_schedule(text)
    assert recurrence == {"freq": "yearly", "month": 11, "day": 20}
    assert sentence.startswith("三、加强调度推进") or sentence.startswith("《任务清单》")


@pytest.mark.parametrize("text", [
    "1.动态监测。每月10日前报送监测进展。（县乡村振兴局）",  # a task's own rhythm, not the list's rule
    "序号\t工作任务\n1\t每年11月20日前报送进展\n",
    "各单位每年开展一次自查。",  # no progress to report
])
def test_no_report_rule(text):
    assert detect_report_schedule(text) == (None, "")


def test_breakdown_request():
    assert asks_yearly_breakdown("形成任务书、时间表、路线图，做到可实施")
    assert asks_yearly_breakdown("逐条逐项细化分解每个年度的目标任务")
    assert not asks_yearly_breakdown("按时完成任务")


@pytest.mark.parametrize("name, title", [
    ("003_30a29f2321ea6e96.txt", "北安市“十四五”巩固拓展脱贫攻坚成果同乡村振兴有效衔接规划责任分工任务清单"),
    ("002_5ee456953034f603.txt", "近期巩固拓展脱贫攻坚成果重点工作任务清单"),
    ("004_8cc0dceb5c524eb9.txt", "巩固拓展脱贫攻坚成果工作任务清单"),
])
def test_list_titles_of_the_seeds(name, title):
    path = seed_file(name)
    doc = parse_file(path)
    assert doc.title == title and doc.document == name


def test_clean_tab_table_with_a_number_column():
    text = ("某县清单\n序号\t工作任务\t牵头单位\t责任单位\t完成时限\n"
            "1\t1.完善制度。简化流程。\t县乡村振兴局\t城关镇\t2024年12月底\n"
            "2\t周研判。每周研判。\t\t城关镇\t每周\n"
            "3\t及时整改。发现问题及时整改。\t县民政局\t城关镇\t尽快\n")
    doc = parse_text(text)
    assert [t.no for t in doc.tasks] == ["1", "2", "3"]
    assert [t.title for t in doc.tasks] == ["完善制度", "周研判", "及时整改"]
    assert doc.tasks[1].recurrence == {"freq": "weekly"} and doc.tasks[1].responsible_units == ["城关镇"]
    vague = doc.tasks[2]
    assert (vague.deadline_text, vague.due_date, vague.deadline_unparsed) == ("尽快", None, True)
    assert any("尽快" in w for w in doc.warnings)


@pytest.mark.parametrize("name", ["清单.doc", "扫描件.pdf", "清单.wps", "图片.png"])
def test_unreadable_formats_are_refused_by_name(name):
    with pytest.raises(UserFacingError, match=r"只能读取 \.docx、\.xlsx、\.txt"):
        check_readable(name)


def test_stored_upload_is_named_as_uploaded_in_messages(tmp_path):
    path = tmp_path / "0a1b2c_x.docx"
    path.write_bytes(b"not a zip")
    with pytest.raises(UserFacingError) as exc:
        parse_file(path, document="县里的清单.docx")
    assert "县里的清单.docx" in exc.value.message and "0a1b2c" not in exc.value.message


def test_header_row_is_not_the_title():
    # Issue #18 item 7: a list that starts with its header row has no title line; the header names
    # the columns and the first row is a task, so neither may become the list's title.
    text = "序号\t工作任务\t牵头单位\t责任单位\t完成时限\n1\t完善监测机制。建立台账。\t县乡村振兴局\t各乡镇\t2024年6月30日前\n"
    parsed = parse_text(text)
    assert len(parsed.tasks) == 1
    assert parsed.title == ""
    titled = parse_text("某县2024年巩固拓展脱贫攻坚成果任务\n" + text)
    assert titled.title == "某县2024年巩固拓展脱贫攻坚成果任务"


def test_header_row_of_an_xlsx_is_not_the_title(tmp_path):
    import xlsxwriter

    path = tmp_path / "清单.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    for r, row in enumerate([["序号", "工作任务", "牵头单位", "责任单位", "完成时限"],
                             ["1", "完善监测机制。建立台账。", "县乡村振兴局", "各乡镇", "2024年6月30日前"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    parsed = parse_file(path, document="2024年任务清单.xlsx")
    assert [t.title for t in parsed.tasks] == ["完善监测机制"]
    assert "工作任务" not in parsed.title and "牵头单位" not in parsed.title
    assert parsed.document == "2024年任务清单.xlsx"
