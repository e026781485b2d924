"""Deadline free text (完成时限) → due date, recurrence, or an "unparsed" flag; no Django needed."""

from datetime import date

import pytest

from gonggu.tasks.deadlines import find_dated_phrases, normalize_deadline


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2023年12月底", date(2023, 12, 31)),
        ("2025年6月底前", date(2025, 6, 30)),
        ("2024年2月底", date(2024, 2, 29)),  # leap year
        ("2023年10月31日", date(2023, 10, 31)),
        ("2023年9月20日", date(2023, 9, 20)),
        ("2023年末完成", date(2023, 12, 31)),
        ("2025年完成", date(2025, 12, 31)),
        ("2024年", date(2024, 12, 31)),
        ("2023年度", date(2023, 12, 31)),
        ("2023年11月底完 成", date(2023, 11, 30)),  # a space inside the word, as printed in 003
        ("2023 年 12 月 31 日", date(2023, 12, 31)),
        ("２０２３年１２月３１日", date(2023, 12, 31)),  # full-width digits
        ("二〇二三年十二月底", date(2023, 12, 31)),
        ("2023-12-31", date(2023, 12, 31)),  # a date cell read from a spreadsheet
        ("2023/9/20", date(2023, 9, 20)),
    ],
)
def test_dates_named_in_the_text(text, due):
    deadline = normalize_deadline(text)
    assert deadline.due_date == due
    assert deadline.recurrence is None
    assert not deadline.unparsed
    assert deadline.text == text  # the printed text is kept beside the date


@pytest.mark.parametrize(
    "text", ["2023年-2025年", "2023—2025年", "2023年至2025年", "十四五期间", "“十四五”时期"]
)
def test_ranges_and_plan_periods_end_on_their_last_day(text):
    assert normalize_deadline(text).due_date == date(2025, 12, 31)


def test_month_and_day_take_the_document_year():
    assert normalize_deadline("10月31日前", year=2025).due_date == date(2025, 10, 31)
    assert normalize_deadline("11 月 5日前", year=2025).due_date == date(2025, 11, 5)
    assert normalize_deadline("年底前", year=2024).due_date == date(2024, 12, 31)


def test_month_and_day_without_a_year_are_not_guessed():
    deadline = normalize_deadline("10月31日前")
    assert deadline.due_date is None
    assert deadline.unparsed


def test_an_explicit_year_wins_over_the_document_year():
    assert normalize_deadline("2023年12月底", year=2025).due_date == date(2023, 12, 31)


@pytest.mark.parametrize(
    ("text", "recurrence"),
    [
        ("每年11月20日前", {"freq": "yearly", "month": 11, "day": 20}),
        ("每年12月底前", {"freq": "yearly", "month": 12, "day": 31}),
        ("每年", {"freq": "yearly"}),
        ("每半年", {"freq": "half-yearly"}),
        ("每季度", {"freq": "quarterly"}),
        ("每月", {"freq": "monthly"}),
        ("每月5日前", {"freq": "monthly", "day": 5}),
        ("每周", {"freq": "weekly"}),
    ],
)
def test_recurring_deadlines(text, recurrence):
    deadline = normalize_deadline(text, year=2023)
    assert deadline.recurrence == recurrence
    assert deadline.due_date is None  # 每年11月20日 is not 20 November of the document year
    assert not deadline.unparsed


@pytest.mark.parametrize("text", ["持续推进", "长期坚持", "常态化持续", "常态化持 续"])
def test_continuous_work_has_no_date_and_no_recurrence(text):
    deadline = normalize_deadline(text, year=2023)
    assert deadline.continuous
    assert deadline.due_date is None
    assert deadline.recurrence is None
    assert not deadline.unparsed


def test_scan_error_wei_for_mo_after_a_year():
    # 003 prints "末" (end) as "未" (not): "2025年未完成全部任务" means all done by the end of 2025.
    deadline = normalize_deadline("持续推进、2025年未完成全部任务。", year=2023)
    assert deadline.due_date == date(2025, 12, 31)
    assert deadline.continuous


def test_wei_without_a_year_stays_unparsed():
    # In 003 tasks 1 and 2 the year was lost in a merged cell: "各乡镇未完成全部任务。"
    deadline = normalize_deadline("未完成全部任务。", year=2023)
    assert deadline.unparsed
    assert deadline.due_date is None


def test_milestone_and_final_date():
    deadline = normalize_deadline(
        "2023 年 12 月 30 前取得阶段性成效，并持续推进。 2025 年 12 月完成全部工作任务。", year=2023
    )
    assert deadline.due_date == date(2025, 12, 31)
    assert deadline.milestones == (date(2023, 12, 30),)
    assert deadline.continuous


def test_quantified_targets_keep_the_last_date():
    deadline = normalize_deadline(
        "到2023年末争取完成25万千瓦风电机建设，到2025年末争取累计完成百万千瓦清洁能源装机。持续推进。"
    )
    assert deadline.due_date == date(2025, 12, 31)
    assert deadline.milestones == (date(2023, 12, 31),)


@pytest.mark.parametrize("text", ["及时", "尽快", "过渡期内", "按上级要求", "2023年2月30日"])
def test_unreadable_text_is_flagged_not_guessed(text):
    deadline = normalize_deadline(text, year=2023)
    assert deadline.unparsed
    assert deadline.due_date is None
    assert deadline.text == text


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty_text_is_no_deadline(text):
    assert normalize_deadline(text) is None


def test_as_dict():
    assert normalize_deadline("2023年12月底").as_dict() == {
        "deadline_text": "2023年12月底",
        "due_date": "2023-12-31",
        "recurrence": None,
        "deadline_unparsed": False,
    }


def test_dated_phrases_in_running_text():
    text = "工作部署情况于 10 月 31 日前报至县农业农村局。牵头单位要在每年11月20日前反馈，2023年12月底完成。"
    assert find_dated_phrases(text) == ["10 月 31 日前", "每年11月20日前", "2023年12月底"]
    assert find_dated_phrases("每周研判一次，每月入户跟踪") == []
