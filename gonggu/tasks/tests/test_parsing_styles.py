"""The house styles of county task documents (issue: real task documents), on small texts written for the tests.

No Django, no database: `parse_text` and `parse_file` only.
"""

import pytest

from gonggu.tasks.parsing import detect_shape, parse_file, parse_text

HEAD = "某县2024年巩固拓展脱贫攻坚成果重点任务清单\n一、强化监测帮扶\n"


def tasks_of(text, year=2024):
    doc = parse_text(text, year=year)
    assert doc.shape == "outline", doc.shape
    return doc.tasks


def only(text):
    tasks = tasks_of(text)
    assert len(tasks) == 1, [t.as_dict() for t in tasks]
    return tasks[0]


@pytest.mark.parametrize("units", [
    "（牵头单位：县乡村振兴局；责任单位：各乡镇）",      # full-width
    "(牵头单位:县乡村振兴局;责任单位:各乡镇)",            # half-width
    "（牵头单位:县乡村振兴局，责任单位：各乡镇）",        # mixed
])
def test_units_inline_after_the_task(units):
    task = only(HEAD + f"1.开展集中排查。各乡镇全面排查农户风险。{units}\n")
    assert (task.lead_units, task.responsible_units) == (["县乡村振兴局"], ["各乡镇"])
    assert task.title == "开展集中排查" and task.content == "各乡镇全面排查农户风险。"
    assert "单位" not in task.content


def test_responsible_units_alone():
    task = only(HEAD + "1.加强数据比对。与行业部门比对数据。（责任单位：县民政局、县医保局、县残联）\n")
    assert task.lead_units == [] and task.responsible_units == ["县民政局", "县医保局", "县残联"]


def test_lead_and_cooperating_responsible_units():
    task = only(HEAD + "1.壮大特色产业。发展食用菌种植。（牵头责任单位：县农业农村局，协同责任单位：县财政局、各乡镇）\n")
    assert task.lead_units == ["县农业农村局"] and task.responsible_units == ["县财政局", "各乡镇"]


def test_label_lines_under_the_task_belong_to_it_and_are_no_heading():
    text = HEAD + (
        "1.稳定就业。实现有劳动能力的脱贫人口就业全覆盖。\n"
        "牵头单位：县人社局\n"
        "责任单位：各乡镇、县乡村振兴局\n"
        "完成时限：2024年12月底\n"
        "2.产业帮扶。发展特色产业。\n"
        "牵头单位：县农业农村局\n"
    )
    first, second = tasks_of(text)
    assert (first.lead_units, first.responsible_units) == (["县人社局"], ["各乡镇", "县乡村振兴局"])
    assert (first.deadline_text, first.due_date.isoformat()) == ("2024年12月底", "2024-12-31")
    assert second.path == ["强化监测帮扶"] and second.title == "产业帮扶"
    assert second.lead_units == ["县农业农村局"] and second.responsible_units == []
    assert all("单位" not in p and "时限" not in p for t in (first, second) for p in t.path)


def test_label_lines_half_width_several_on_one_line():
    task = only(HEAD + "1.稳定就业。促进务工。\n牵头单位:县人社局; 责任单位:各乡镇; 完成时限:每季度\n")
    assert (task.lead_units, task.responsible_units) == (["县人社局"], ["各乡镇"])
    assert task.recurrence == {"freq": "quarterly"}


@pytest.mark.parametrize("sentence,lead,responsible", [
    ("县乡村振兴局、县民政局牵头，各乡镇按职责分工负责。", ["县乡村振兴局", "县民政局"], ["各乡镇"]),
    ("由县人社局牵头，县财政局、各乡镇配合。", ["县人社局"], ["县财政局", "各乡镇"]),
    ("县教育局牵头负责。", ["县教育局"], []),
])
def test_units_in_prose(sentence, lead, responsible):
    task = only(HEAD + f"1.落实帮扶措施。逐户制定帮扶计划。{sentence}\n")
    assert (task.lead_units, task.responsible_units) == (lead, responsible)
    assert task.content == "逐户制定帮扶计划。"


def test_prose_that_names_no_units_is_left_alone():
    task = only(HEAD + "1.压实责任。主要领导牵头，班子成员分工负责。（责任单位：各乡镇）\n")
    assert task.lead_units == [] and task.responsible_units == ["各乡镇"]
    assert "主要领导牵头" in task.content


def test_numbering_nested_levels():
    text = (
        "某县任务清单\n"
        "一、强化监测帮扶\n"
        "（一）健全监测机制\n"
        "1.开展集中排查。（责任单位：各乡镇）\n"
        "2.完善帮扶政策。\n"
        "（1）产业帮扶。发展特色产业。（牵头单位：县农业农村局）\n"
        "（2）就业帮扶。\n"
        "①组织劳务输出。（牵头单位：县人社局）\n"
        "②开发公益岗位。\n"
        "二、保障措施\n"
        "加强组织领导，压实工作责任。\n"
    )
    tasks = tasks_of(text)
    assert [(t.no, t.title, t.path) for t in tasks] == [
        ("1", "开展集中排查", ["强化监测帮扶", "健全监测机制"]),
        ("1", "产业帮扶", ["强化监测帮扶", "健全监测机制", "完善帮扶政策"]),
        ("①", "组织劳务输出", ["强化监测帮扶", "健全监测机制", "完善帮扶政策", "就业帮扶"]),
        ("②", "开发公益岗位", ["强化监测帮扶", "健全监测机制", "完善帮扶政策", "就业帮扶"]),
    ]
    # A ① under （2） is its own task, not text of （2）; 保障措施 is prose, not a task.
    assert tasks[2].content == "" and tasks[2].lead_units == ["县人社局"]


def test_units_of_a_heading_apply_to_the_tasks_below_that_name_none():
    text = HEAD + (
        "1.就业帮扶。县人社局牵头，各乡镇按职责分工负责。\n"
        "（1）组织劳务输出。\n"
        "（2）开发公益岗位。（牵头单位：县乡村振兴局）\n"
    )
    first, second = tasks_of(text)
    assert (first.lead_units, first.responsible_units) == (["县人社局"], ["各乡镇"])
    assert (second.lead_units, second.responsible_units) == (["县乡村振兴局"], [])
    assert first.path == ["强化监测帮扶", "就业帮扶"]


@pytest.mark.parametrize("text,deadline,due,recurrence", [
    ("各乡镇要在2024年6月底前完成排查。", "2024年6月底前", "2024-06-30", None),
    ("到 2020 年底，实现就业全覆盖。", "到 2020 年底", "2020-12-31", None),
    ("每季度开展一次数据比对。", "每季度", None, {"freq": "quarterly"}),
])
def test_deadlines_inside_the_text(text, deadline, due, recurrence):
    task = only(HEAD + f"1.开展工作。{text}（责任单位：各乡镇）\n")
    assert task.deadline_text == deadline
    assert (task.due_date.isoformat() if task.due_date else None) == due
    assert task.recurrence == recurrence


def test_traditional_characters():
    text = (
        "某縣鞏固拓展脫貧攻堅成果任務分工\n"
        "一、健全監測幫扶機制\n"
        "1.開展集中排查。各鄉鎮於2024年6月底前完成排查。（牽頭單位：縣鄉村振興局；責任單位：各鄉鎮）\n"
        "2.落實幫扶措施。逐戶制定計劃。縣民政局、縣醫保局牽頭，各鄉鎮按職責分工負責。\n"
        "3.加強動態監測。開展數據比對。\n"
        "牽頭單位：縣鄉村振興局\n"
        "完成時限：每季度\n"
    )
    first, second, third = tasks_of(text)
    # Names and text as written, in traditional characters.
    assert (first.lead_units, first.responsible_units) == (["縣鄉村振興局"], ["各鄉鎮"])
    assert first.due_date.isoformat() == "2024-06-30" and first.path == ["健全監測幫扶機制"]
    assert (second.lead_units, second.responsible_units) == (["縣民政局", "縣醫保局"], ["各鄉鎮"])
    assert third.lead_units == ["縣鄉村振興局"] and third.recurrence == {"freq": "quarterly"}


def test_label_words_never_become_unit_names():
    text = HEAD + (
        "1.甲。（牵头单位：；责任单位：各乡镇）\n"
        "2.乙。\n牵头单位：牵头单位\n责任单位：县民政局、责任单位\n"
    )
    labels = {"牵头单位", "责任单位", "牵头", "负责", "单位"}
    for task in tasks_of(text):
        assert not labels & set(task.lead_units + task.responsible_units), task.as_dict()


@pytest.mark.parametrize("name", ["各乡镇", "各乡镇（街道）", "各乡镇党委政府"])
def test_township_collective_kept_as_written(name):
    task = only(HEAD + f"1.开展排查。（牵头单位：县乡村振兴局；责任单位：{name}）\n")
    assert task.responsible_units == [name]


def test_seed_style_numbered_lists_keep_their_shape():
    """A list in the style of the seeds ("N.标题。内容。（单位）") is still read as before."""
    text = "某县任务清单\n一、监测帮扶\n1.动态监测。每月排查一次。（县乡村振兴局、县民政局）\n2.风险消除。及时标注。（县乡村振兴局）\n"
    assert detect_shape(text) == "numbered"


@pytest.mark.parametrize("text", [
    "会议通知\n请各单位准时参加会议。\n",
    "",
    "一、总体要求\n坚持问题导向。\n二、保障措施\n加强组织领导。\n",
])
def test_no_recognisable_tasks_is_one_clear_message(text):
    doc = parse_text(text, document="说明.txt")
    assert doc.tasks == []
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("未识别到任务")


def test_docx_paragraphs_in_the_house_styles(tmp_path):
    import docx
    document = docx.Document()
    for line in [
        "某县任务清单", "一、强化监测帮扶", "（一）健全监测机制",
        "1.开展集中排查。2024年6月底前完成。", "牵头单位：县乡村振兴局", "责任单位：各乡镇",
        "2.落实帮扶措施。（责任单位：县民政局）",
    ]:
        document.add_paragraph(line)
    path = tmp_path / "清单.docx"
    document.save(str(path))
    doc = parse_file(path, year=2024)
    assert [(t.title, t.lead_units, t.responsible_units) for t in doc.tasks] == [
        ("开展集中排查", ["县乡村振兴局"], ["各乡镇"]), ("落实帮扶措施", [], ["县民政局"])]
    assert doc.tasks[0].path == ["强化监测帮扶", "健全监测机制"]
