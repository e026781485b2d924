"""The task-list parser on the seed documents and on small .docx/.xlsx files; no Django, no database."""

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from conftest import seed_file
from gonggu.core.errors import UserFacingError
from gonggu.tasks.parsing import (
    ParsedDocument,
    detect_shape,
    detect_year,
    parse_concerns,
    parse_file,
    parse_text,
    split_title,
    split_units,
)

TASK_KEYS = {
    "no", "path", "title", "content", "lead_units", "responsible_units",
    "deadline_text", "due_date", "recurrence", "evaluation_method",
}


def seed_path(name: str) -> Path:
    return seed_file(name)


def seed_text(name: str) -> str:
    return seed_path(name).read_text(encoding="utf-8")


def by_no(doc: ParsedDocument, no: str, path_start: str | None = None):
    found = [t for t in doc.tasks if t.no == no and (path_start is None or t.path[0] == path_start)]
    assert len(found) == 1, (no, path_start, found)
    return found[0]


# --------------------------------------------------------------------------- 004: numbered list (陇县)


@pytest.fixture(scope="module")
def longxian():
    return parse_file(seed_path("004_8cc0dceb5c524eb9.txt"))


def test_longxian_count_and_shape(longxian):
    # Counted by hand: nine sections 一–九 holding tasks 一 1–4, 二 5–13, 三 14–23, 四 24–27,
    # 五 28–32, 六 33–36, 七 37–41, 八 42–44, 九 45–50; numbers run 1–50 without a gap.
    assert longxian.shape == "numbered"
    assert len(longxian.tasks) == 50
    assert [t.no for t in longxian.tasks] == [str(n) for n in range(1, 51)]
    assert longxian.year == 2021  # "2021年7月22日印发"
    assert Counter(t.path[0] for t in longxian.tasks)["着力巩固“三保障”成果"] == 10


def test_longxian_first_task(longxian):
    task = longxian.tasks[0]
    assert task.no == "1"
    assert task.path == ["加强动态监测帮扶防返贫"]
    assert task.title == "动态识别监测对象"
    assert task.content.startswith("建立信息监测员队伍，分片区监测所有农户")
    assert task.content.endswith("确保不出现“体外循环”的情况。")  # the unit in parentheses is taken off
    assert task.lead_units == ["县乡村振兴局"]
    assert task.responsible_units == []
    # 004 has no deadline column; "每周研判一次" is a working rhythm, not a deadline.
    assert task.deadline_text is None and task.due_date is None and task.recurrence is None
    assert task.evaluation_method is None


def test_longxian_samples(longxian):
    task = by_no(longxian, "8")
    assert task.path == ["稳步增收提升“两不愁”水平"]
    assert task.title == "扎实推进消费帮扶"
    assert task.lead_units == ["县农业农村局", "县乡村振兴局"]

    task = by_no(longxian, "19")  # "（县 卫健局）", "“两 病”" are broken by stray spaces
    assert task.lead_units == ["县卫健局"]
    assert "“两病”认定" in task.content

    task = by_no(longxian, "36")
    assert task.path == ["强化易地扶贫搬迁后续帮扶"]
    assert task.title == "稳妥解决搬迁群众“两头住”“两头跑”问题"
    assert task.lead_units == ["县发改局"]

    task = by_no(longxian, "40")  # no TAB after the number, unlike 11–50
    assert task.title == "规范衔接资金使用"
    assert task.lead_units == ["县财政局"]

    task = by_no(longxian, "50")
    assert task.path == ["加强驻村帮扶和管理"]
    assert task.title == "关心关爱驻村干部"
    assert task.lead_units == ["县委组织部"]


# --------------------------------------------------------------------------- 002: notice (2025)


@pytest.fixture(scope="module")
def notice():
    return parse_file(seed_path("002_5ee456953034f603.txt"))


def test_notice_count_and_shape(notice):
    # Counted by hand: 5 near-term tasks "1.及时调度部署" … "5.问题整改“回头看”" in the notice,
    # plus the 14 key tasks of 附件1. Not counted: the attachment list "附件：1.… 2.…" and the
    # 13 indicators of the 附件2 table (assessment indicators, not tasks).
    assert notice.shape == "notice"
    assert len(notice.tasks) == 19
    assert [t.no for t in notice.tasks] == [str(n) for n in range(1, 6)] + [str(n) for n in range(1, 15)]
    assert notice.year == 2025  # date line "2025 年 10 月 28 日"


def test_notice_dated_tasks(notice):
    first = notice.tasks[0]
    assert first.no == "1"
    assert first.path == ["近期巩固拓展脱贫攻坚成果重点工作任务清单"]
    assert first.title == "及时调度部署"
    assert first.content.startswith("各乡（镇）及行业帮扶单位要及时组织召开工作部署会议")
    assert first.lead_units == [] and first.responsible_units == []
    assert first.deadline_text == "10 月 31 日前"
    assert first.due_date == date(2025, 10, 31)  # the year comes from the notice's date
    assert first.recurrence is None

    third = notice.tasks[2]
    assert third.title == "全面梳理总结"
    assert "单位、乡镇及村有关负责同志" in third.content  # line broken in the middle of a sentence
    assert third.deadline_text == "11 月 5日前"
    assert third.due_date == date(2025, 11, 5)

    assert notice.tasks[1].deadline_text is None
    assert notice.tasks[1].due_date is None


def test_notice_key_tasks(notice):
    key = notice.tasks[5:]
    assert all(t.path == ["年度巩固拓展脱贫攻坚成果重点任务"] for t in key)
    assert key[0].no == "1"
    assert key[0].title == "五级书记抓巩固拓展脱贫攻坚成果情况"
    assert key[5].title == "脱贫人口稳岗就业情况"
    assert key[5].content.startswith("2025 年度被考核省份脱贫人口务工就业目标任务完成情况")
    assert key[13].no == "14"
    assert key[13].title == "巩固脱贫成果认可度"
    assert all(t.deadline_text is None for t in key)


def test_year_argument_overrides_the_document_year():
    doc = parse_text(seed_text("002_5ee456953034f603.txt"), year=2024)
    assert doc.year == 2024
    assert doc.tasks[0].due_date == date(2024, 10, 31)


# --------------------------------------------------------------------------- 000: column text (河南 一览表)


@pytest.fixture(scope="module")
def henan():
    return parse_file(seed_path("000_43a5464a2cf5361e.txt"))


def test_henan_count_and_shape(henan):
    # Counted by hand, requirements per 分项:
    # 责任落实 4+4+3+3 = 14; 政策落实 4+5+3+3+2 = 17;
    # 工作落实 3+3+5+4+3+3+1 (问题整改工作, unnumbered)+3+2 = 27; 成效巩固 (no 分项) 7.
    # 14 + 17 + 27 + 7 = 65. Evaluation items ("1、座谈了解…") also start with "1、" and are not tasks.
    assert henan.shape == "columns"
    assert len(henan.tasks) == 65
    assert Counter(t.path[0] for t in henan.tasks) == {
        "责任落实方面": 14, "政策落实方面": 17, "工作落实方面": 27, "成效巩固方面": 7,
    }
    assert len({tuple(t.path) for t in henan.tasks}) == 18 + 1  # 18 分项 and the 成效巩固 block
    assert henan.document == "000_43a5464a2cf5361e.txt"


def test_henan_first_task(henan):
    task = henan.tasks[0]
    assert task.no == "1"
    assert task.path == ["责任落实方面", "党委和政府主体责任"]  # "1、党委和政 / 府主体责任" rejoined
    assert task.title.startswith("深入学习贯彻习近平总书记关于巩固拓展脱贫攻坚成果")
    assert task.content.endswith("研究部署贯彻落实意见。")
    assert task.lead_units == []  # one 责任单位 column, no lead/responsible split
    assert task.responsible_units == ["党委政府办公室（厅）"]
    assert task.deadline_text is None and task.due_date is None and task.recurrence is None
    assert task.evaluation_method == (
        "1、座谈了解巩固拓展脱贫攻坚成果总体工作情况。\n"
        "2、查阅总结报告、政策文件、会议清单、会议纪要、调研情况、领导同志指示批示等资料。"
    )


def test_henan_shared_evaluation_and_units(henan):
    group = [t for t in henan.tasks if t.path == ["责任落实方面", "驻村帮扶责任"]]
    assert [t.title for t in group] == ["主管部门方面", "选派单位方面", "第一书记及驻村工作队方面"]
    assert group[0].content.startswith("落实第一书记全覆盖选派要求")
    assert group[0].content.endswith("强化保障支持。")  # the evaluation on the same line is cut off
    for task in group:
        assert task.responsible_units == ["组织", "乡村振兴部门", "各派出单位"]
        third = task.evaluation_method.splitlines()[2]
        assert third == "3、实地查看驻村干部驻村情况、履职尽责、群众口碑等情况。"


def test_henan_samples(henan):
    task = next(t for t in henan.tasks if t.path[0] == "工作落实方面")
    assert task.no == "1"
    assert task.path == ["工作落实方面", "防止返贫动态监测和帮扶"]  # " 1、防止返贫 / 动态监测和 / 帮扶"
    assert task.responsible_units == ["乡村振兴等部门"]
    assert task.evaluation_method.startswith("1、访谈乡村振兴部门和抽查村。\n2、查阅相关配套文件")

    rectification = [t for t in henan.tasks if t.path == ["工作落实方面", "问题整改工作"]]
    assert len(rectification) == 1
    task = rectification[0]
    assert task.no is None  # printed without a number
    assert task.title == "坚持问题导向、目标导向"
    assert task.responsible_units == ["乡村振兴", "纪委监委", "审计等部门"]
    assert task.evaluation_method == "1、查阅各地问题整改工作台账。\n2、开展实地督导检查。"

    relocation = [t for t in henan.tasks if t.path == ["工作落实方面", "易地扶贫搬迁后续扶持"]]
    assert [t.no for t in relocation] == ["1", "2", "3"]  # "1." then "2、", "3、"
    assert relocation[0].responsible_units[:3] == ["发改", "人社", "农业农村"]

    governance = [t for t in henan.tasks if t.path == ["工作落实方面", "乡村治理"]]
    assert "“推进和美乡村 建设文明家园”" in governance[2].content  # the slogan's space is kept

    outcome = [t for t in henan.tasks if t.path == ["成效巩固方面"]]
    assert [t.no for t in outcome] == [str(n) for n in range(1, 8)]
    assert outcome[1].title == "义务教育阶段适龄儿童少年失学辍学动态清零"
    assert outcome[0].responsible_units[-1] == "国家统计局地方调查队等部门"
    assert outcome[0].evaluation_method.splitlines()[2].startswith("3、通过问卷方式")


# --------------------------------------------------------------------------- 003: flattened table (北安市)


@pytest.fixture(scope="module")
def bei_an():
    return parse_file(seed_path("003_30a29f2321ea6e96.txt"))


def test_bei_an_count_and_numbers(bei_an):
    # Counted by hand: tasks 1–80, where 8, 11, 31, 47, 59, 60, 69, 76, 77 and 78 are not printed
    # but each is the only row (or rows) filling the gap between its printed neighbours; rows that
    # print two numbers (9+10, 14+15, 25+26, 52+53, 61+62) are two tasks each. Then two rows
    # without a number after 80: the land row under (二十九) and the (三十) 考核评估 row (the
    # file's last line, without a final newline). 80 + 2 = 82. Not tasks: the notice's three
    # requirements, the repeated header rows, the empty row "4.强化帮扶政策" (the name of the row
    # above it), and the text-only rows after 27, 52/53 and 61/62 (their content).
    assert bei_an.shape == "table"
    assert len(bei_an.tasks) == 82
    assert [t.no for t in bei_an.tasks] == [str(n) for n in range(1, 81)] + [None, None]
    assert bei_an.year == 2023  # 北农领办字〔2023〕4号, signed 2023年4月14日
    assert any("8、11、31、47、59、60、69、76、77、78" in w for w in bei_an.warnings)
    assert not any("<p>" in t.title + t.content for t in bei_an.tasks)


def test_bei_an_first_task(bei_an):
    task = bei_an.tasks[0]
    assert task.no == "1"
    assert task.path == ["健全完善防止返贫监测和帮扶机制", "健全防止返贫监测机制"]
    assert task.title == "完善监测制度"
    assert task.content.startswith("因地制宜建立健全监测标准年度调整机制")
    assert task.lead_units == ["乡村振兴局", "乡党委政府"]
    assert task.responsible_units[0] == "农业农村局"
    assert task.responsible_units[-1] == "各乡镇"
    # The deadline ran into the unit cell without its year ("各乡镇未完成全部任务。"): kept, not guessed.
    assert task.deadline_text == "未完成全部任务。"
    assert task.due_date is None
    assert task.deadline_unparsed
    assert task.as_dict()["deadline_unparsed"] is True


def test_bei_an_samples(bei_an):
    task = by_no(bei_an, "4")  # content printed in the row above the empty "4.强化帮扶政策" row
    assert task.path == ["健全完善防止返贫监测和帮扶机制", "完善监测帮扶支持政策"]
    assert task.title == "强化帮扶政策"
    assert task.content.startswith("坚持预防性措施和事后帮扶相结合")
    assert task.lead_units == ["乡村振兴局"]
    assert task.deadline_text == "持续推进、2025年未完成全部任务。"
    assert task.due_date == date(2025, 12, 31)  # 未 read as 末
    assert not task.deadline_unparsed

    nine, ten = by_no(bei_an, "9"), by_no(bei_an, "10")  # two <p> tasks in one cell
    assert nine.title == "巩固拓展义务教育控辍保学成果"
    assert nine.content.startswith("健全政府主责，部门联动")
    assert ten.title == "继续实施和完善困难学生资助救助政策体系"
    assert nine.path == ten.path == ["巩固拓展教育医疗住房和饮水安全成果", "巩固拓展教育脱贫成果"]
    assert nine.lead_units == ten.lead_units == ["教体局"]
    assert nine.responsible_units == ["各乡镇党委政府"]
    assert nine.deadline_text == "持续推进" and nine.due_date is None and nine.recurrence is None

    task = by_no(bei_an, "13")
    assert task.due_date == date(2025, 12, 31)  # the 2023-12-30 milestone is not the due date

    task = by_no(bei_an, "16")
    assert task.title == "因地制宜确定住房安全保障方式"
    assert task.lead_units == ["住建局"] and task.responsible_units == ["各乡镇党委政府"]
    assert (task.deadline_text, task.due_date) == ("2023年10月底", date(2023, 10, 31))

    task = by_no(bei_an, "20")
    assert (task.deadline_text, task.due_date) == ("2023年9月20日", date(2023, 9, 20))

    task = by_no(bei_an, "45")  # "…；各乡镇党委未完成全部任务。政府": 政府 pushed past the deadline
    assert task.lead_units == ["乡村振兴局"]
    assert task.responsible_units[-1] == "各乡镇党委政府"
    assert task.deadline_unparsed

    task = by_no(bei_an, "50")
    assert task.lead_units == ["民政局"] and task.responsible_units == []
    assert task.deadline_text == "长期坚持" and task.due_date is None and task.recurrence is None

    task = by_no(bei_an, "51")  # "市 民政局", "各 乡镇党委政府", "完 成": spaces inside words
    assert "市民政局" in task.lead_units
    assert task.responsible_units[-1] == "各乡镇党委政府"
    assert task.due_date == date(2023, 11, 30)

    task = by_no(bei_an, "62")  # its text, units and deadline are on the row after "61.… 62.…"
    assert task.title == "全面提升乡村生活垃圾治理"
    assert task.content.startswith("健全符合实际、方式多样的生活垃圾收运处置体系")
    assert task.lead_units == ["住建局", "农业农村局", "生态环境局", "城管局", "供销社"]
    assert task.deadline_text == "持续推进"
    assert by_no(bei_an, "61").lead_units == ["生态环境局"]

    task = by_no(bei_an, "66")  # a title without content; lead and responsible share one cell
    assert task.title == "健全脱贫地区社会保障体系"
    assert task.content == ""
    assert task.lead_units == ["人社局"]
    assert task.responsible_units == ["医保局", "税务局", "各乡镇党委政府"]
    assert task.due_date == date(2023, 12, 31)

    task = by_no(bei_an, "78")  # unnumbered row, number inferred between 75 and 79
    assert task.title == "过渡期内保持财政支持政策总体稳定"
    assert task.lead_units == ["财政局"]

    last = bei_an.tasks[-1]
    assert last.no is None
    assert last.path == ["保障措施", "做好考核评估机制"]
    assert last.content.startswith("过渡期内，每年组织开展巩固拓展脱贫攻坚成果同乡村振兴有效衔接考核评估")
    assert last.lead_units == ["市委农办"]
    assert last.deadline_text == "持续推进、2025 年末完成"
    assert last.due_date == date(2025, 12, 31)


# --------------------------------------------------------------------------- 001: handbook and its concerns


def test_handbook_has_no_tasks_but_says_why():
    doc = parse_text(seed_text("001_5c18c60bd560c7e4.txt"))
    assert doc.shape == "handbook"
    assert doc.tasks == []
    assert any("工作手册" in w and "关注问题" in w for w in doc.warnings)


def test_concerns_per_area():
    concerns = parse_concerns(seed_text("001_5c18c60bd560c7e4.txt"))
    # 4 areas in part 1, 5 in part 2, 6 in part 3 plus the 3 sub-areas of 其他方面工作.
    assert len(concerns) == 18
    first = concerns[0]
    assert first["path"] == ["责任落实方面", "党委和政府主体责任"]
    assert len(first["items"]) == 3
    assert first["items"][0].startswith("传达学习不及时、不全面、不深入。①对习近平总书记")
    # "(同“党委和政府主体责任 (三)关注问题1”)" is replaced by the item it names.
    assert concerns[1]["path"] == ["责任落实方面", "党委农村工作领导小组责任"]
    assert concerns[1]["items"][0] == first["items"][0]
    by_path = {tuple(c["path"]): c["items"] for c in concerns}
    assert len(by_path[("政策落实方面", "住房安全")]) == 5
    assert by_path[("政策落实方面", "住房安全")][2].startswith("没有“建新拆旧”")
    rectification = by_path[("工作落实方面", "其他方面工作", "问题整改工作")]
    assert rectification == [
        "思想认识不够到位,整改责任没有压实,基层基础不牢,特别是对于群众认可度的问题,"
        "过分强调客观,没有从自身工作和作风找原因。",
        "对问题原因剖析不够深入,就事论事,没有举一反三。",
        "整改措施不精准,力度不够,针对性不强,在治本上下功夫不够实。",
        "整改进度滞后,质量不高,成效不明显。",
    ]
    all_items = [item for c in concerns for item in c["items"]]
    assert not any("—" in item and item.strip("—0123456789") == "" for item in all_items)
    assert not any("—31—" in item or "—63—" in item for item in all_items)  # reversed page numbers dropped


# --------------------------------------------------------------------------- shapes, years, output


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("000_43a5464a2cf5361e.txt", "columns"),
        ("001_5c18c60bd560c7e4.txt", "handbook"),
        ("002_5ee456953034f603.txt", "notice"),
        ("003_30a29f2321ea6e96.txt", "table"),
        ("004_8cc0dceb5c524eb9.txt", "numbered"),
    ],
)
def test_detect_shape(name, shape):
    assert detect_shape(seed_text(name)) == shape


def test_detect_year():
    assert detect_year("北农领办字〔2023〕4号\n正文") == 2023
    assert detect_year("正文\n\n2025 年 10 月 28 日\n") == 2025
    assert detect_year("某县2024年任务清单\n正文") == 2024
    assert detect_year("没有年份的文字") is None


def test_as_dict_has_exactly_the_contract_keys():
    doc = parse_file(seed_path("003_30a29f2321ea6e96.txt"))
    data = doc.as_dict()
    assert set(data) == {"document", "tasks"}
    assert data["document"] == "003_30a29f2321ea6e96.txt"
    for task in data["tasks"]:
        assert set(task) - TASK_KEYS <= {"deadline_unparsed"}
        assert TASK_KEYS <= set(task)
    assert data["tasks"][15]["due_date"] == "2023-10-31"  # ISO text


def test_text_without_tasks_gives_an_empty_list_and_a_reason():
    for text in ["", "这是一段说明文字，没有任何编号的任务。"]:
        doc = parse_text(text, document="说明.txt")
        assert doc.tasks == []
        assert doc.document == "说明.txt"
        assert any("未识别到任务" in w for w in doc.warnings)


def test_numbered_text_without_a_seed():
    text = (
        "某县任务清单\n一、监测帮扶\n"
        "1.动态监测。每月排查一次，12月底前完成。（县乡村振兴局、县民政局）\n"
        "2.风险消除。及时标注。（县乡村振兴局）\n"
    )
    doc = parse_text(text, year=2024)
    assert [t.title for t in doc.tasks] == ["动态监测", "风险消除"]
    assert doc.tasks[0].path == ["监测帮扶"]
    assert doc.tasks[0].lead_units == ["县乡村振兴局", "县民政局"]
    assert doc.tasks[0].deadline_text == "12月底前"
    assert doc.tasks[0].due_date == date(2024, 12, 31)


def test_clean_tab_separated_table():
    text = (
        "某县任务清单\n"
        "序号\t工作任务\t牵头单位\t责任单位\t完成时限\n"
        "一、监测帮扶\t\t\t\t\n"
        "1\t完善监测制度\t乡村振兴局\t民政局、医保局\t2023年12月底\n"
        "2\t加强就业帮扶。开展技能培训。\t人社局\t各镇\t每年11月20日前\n"
        "(一)产业发展\n"
        "3\t壮大主导产业\t农业农村局\t\t持续推进\n"
    )
    doc = parse_text(text)
    assert doc.shape == "table"
    assert doc.document == "某县任务清单"  # without a file name, the document's title
    assert [(t.no, t.path, t.title) for t in doc.tasks] == [
        ("1", ["监测帮扶"], "完善监测制度"),
        ("2", ["监测帮扶"], "加强就业帮扶"),
        ("3", ["监测帮扶", "产业发展"], "壮大主导产业"),  # a heading line applies to rows below only
    ]
    first, second, third = doc.tasks
    assert (first.lead_units, first.responsible_units) == (["乡村振兴局"], ["民政局", "医保局"])
    assert first.due_date == date(2023, 12, 31)
    assert second.content == "开展技能培训。"
    assert second.recurrence == {"freq": "yearly", "month": 11, "day": 20}
    assert third.lead_units == ["农业农村局"]  # an empty cell separates it from the deadline
    assert doc.warnings == []


def test_split_units():
    assert split_units("农业农村局、教体局；各乡镇党委政府") == ["农业农村局", "教体局", "各乡镇党委政府"]
    assert split_units("住 建局、公安局；各乡镇党委政 府") == ["住建局", "公安局", "各乡镇党委政府"]
    assert split_units("团市委、市 民政局、各 乡镇党委政府") == ["团市委", "市民政局", "各乡镇党委政府"]
    assert split_units("医保局、税务局；各乡镇党委 政府") == ["医保局", "税务局", "各乡镇党委政府"]
    assert split_units("组织，乡村振兴部门 各派出单位") == ["组织", "乡村振兴部门", "各派出单位"]
    assert split_units("农业农村局、农业农村局") == ["农业农村局"]
    assert split_units("") == []


def test_split_title():
    assert split_title("动态识别监测对象。建立监测员队伍。") == ("动态识别监测对象", "建立监测员队伍。")
    text = "落实控辍保学工作机制，每季度开展一次排查。"
    assert split_title(text) == ("落实控辍保学工作机制", text)


# --------------------------------------------------------------------------- files


def test_gb18030_text_file(tmp_path):
    path = tmp_path / "清单.txt"
    path.write_bytes(seed_text("004_8cc0dceb5c524eb9.txt").encode("gb18030"))
    doc = parse_file(path)
    assert len(doc.tasks) == 50
    assert doc.document == "清单.txt"
    assert doc.tasks[0].title == "动态识别监测对象"


def test_docx_with_numbered_paragraphs_and_a_table(tmp_path):
    import docx
    document = docx.Document()
    document.add_paragraph("某县巩固拓展脱贫攻坚成果任务清单")
    document.add_paragraph("一、加强动态监测")
    document.add_paragraph("1.动态识别监测对象。建立信息监测员队伍。（县乡村振兴局）")
    document.add_paragraph("2.强化数据比对共享。每月比对一次。（县乡村振兴局、县民政局）")
    document.add_paragraph("二、稳步增收")
    # Word's automatic numbering: the number is not part of the paragraph's text.
    for text in (
        "推进产业精准覆盖。实现一镇一业。（县农业农村局）",
        "扎实推进消费帮扶。拓宽销售渠道。（县农业农村局、县乡村振兴局）",
    ):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("三、稳定就业")
    table = document.add_table(rows=1, cols=5)
    header = ["序号", "工作任务", "牵头单位", "责任单位", "完成时限"]
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        cell.text = name
    for values in (
        ["1", "加强就业帮扶。开展技能培训。", "县人社局", "县乡村振兴局、各镇", "2023年12月底"],
        ["2", "规范公益岗位管理", "县人社局", "", "每季度"],
        ["3", "做好务工监测", "县人社局", "各镇", "及时"],
    ):
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    document.add_paragraph("2023年4月14日")
    path = tmp_path / "清单.docx"
    document.save(path)

    doc = parse_file(path)
    assert doc.year == 2023
    assert [(t.no, t.title) for t in doc.tasks] == [
        ("1", "动态识别监测对象"), ("2", "强化数据比对共享"),
        ("1", "推进产业精准覆盖"), ("2", "扎实推进消费帮扶"),
        ("1", "加强就业帮扶"), ("2", "规范公益岗位管理"), ("3", "做好务工监测"),
    ]
    first = doc.tasks[0]
    assert first.path == ["加强动态监测"]
    assert first.content == "建立信息监测员队伍。"
    assert first.lead_units == ["县乡村振兴局"]
    assert doc.tasks[1].lead_units == ["县乡村振兴局", "县民政局"]
    assert doc.tasks[3].path == ["稳步增收"]
    assert doc.tasks[3].lead_units == ["县农业农村局", "县乡村振兴局"]

    row = doc.tasks[4]
    assert row.path == ["稳定就业"]
    assert row.content == "开展技能培训。"
    assert row.lead_units == ["县人社局"]
    assert row.responsible_units == ["县乡村振兴局", "各镇"]
    assert (row.deadline_text, row.due_date) == ("2023年12月底", date(2023, 12, 31))
    assert doc.tasks[5].recurrence == {"freq": "quarterly"}
    assert doc.tasks[6].deadline_unparsed and doc.tasks[6].due_date is None
    assert any("及时" in w for w in doc.warnings)


def test_docx_table_in_the_column_layout_of_000(tmp_path):
    import docx
    document = docx.Document()
    table = document.add_table(rows=1, cols=5)
    header = ["主要工作", "分项内容", "任务分解及工作要求", "评价方式", "责任单位"]
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        cell.text = name
    first = ["责\n任\n落\n实\n方\n面", "1、党委和政府主体责任", "1、深入学习贯彻。组织专题学习。",
             "1、座谈了解。\n2、查阅资料。", "党委政府办公室（厅）"]
    second = ["", "", "2、严格落实“四个不摘”要求，压紧压实责任。", "", ""]
    for values in (first, second):
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    for column in (0, 1, 3, 4):  # merged down, as in the printed table
        table.cell(1, column).merge(table.cell(2, column))
    path = tmp_path / "一览表.docx"
    document.save(path)

    tasks = parse_file(path).tasks
    assert [t.no for t in tasks] == ["1", "2"]
    for task in tasks:
        assert task.path == ["责任落实方面", "党委和政府主体责任"]
        assert task.responsible_units == ["党委政府办公室（厅）"]
        assert task.evaluation_method == "1、座谈了解。\n2、查阅资料。"
    assert (tasks[0].title, tasks[0].content) == ("深入学习贯彻", "组织专题学习。")
    assert tasks[1].title == "严格落实“四个不摘”要求"


def test_xlsx_with_merged_cells_and_a_date_cell(tmp_path):
    import datetime as dt

    import xlsxwriter

    path = tmp_path / "清单.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("任务")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range(0, 0, 0, 6, "某县2024年巩固拓展脱贫攻坚成果任务清单")
    sheet.write_row(1, 0, ["类别", "序号", "工作任务", "牵头单位", "责任单位", "完成时限", "评价方式"])
    sheet.merge_range(2, 0, 3, 0, "一、防止返贫监测")
    sheet.write_row(2, 1, [1, "完善监测制度。简化工作流程，缩短认定时间。", "县乡村振兴局"])
    sheet.write(2, 4, "县农业农村局、县民政局；各镇")
    sheet.write_datetime(2, 5, dt.datetime(2024, 12, 31), date_format)
    sheet.write(2, 6, "查阅台账")
    sheet.write_row(3, 1, [2, "优化监测方式", "县乡村振兴局", "", "每年11月20日前"])
    sheet.merge_range(4, 0, 4, 6, "二、产业发展")
    sheet.write_row(5, 1, [3, "壮大主导产业", "县农业农村局", "", "6月底前"])
    workbook.close()

    doc = parse_file(path)
    assert doc.year == 2024  # from the title row
    assert len(doc.tasks) == 3
    first, second, third = doc.tasks
    assert first.no == "1"
    assert first.path == ["防止返贫监测"]
    assert (first.title, first.content) == ("完善监测制度", "简化工作流程，缩短认定时间。")
    assert first.lead_units == ["县乡村振兴局"]
    assert first.responsible_units == ["县农业农村局", "县民政局", "各镇"]
    assert first.due_date == date(2024, 12, 31)  # a real date cell
    assert first.evaluation_method == "查阅台账"
    assert second.path == ["防止返贫监测"]  # the merged 类别 cell covers this row too
    assert second.recurrence == {"freq": "yearly", "month": 11, "day": 20}
    assert third.path == ["产业发展"]
    assert third.due_date == date(2024, 6, 30)


@pytest.mark.parametrize("name", ["清单.doc", "清单.pdf", "清单.wps", "清单.xls", "清单"])
def test_other_formats_are_refused_with_the_readable_ones_named(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really a document")
    with pytest.raises(UserFacingError) as excinfo:
        parse_file(path)
    assert ".docx、.xlsx、.txt" in excinfo.value.message


def test_missing_and_damaged_files(tmp_path):
    with pytest.raises(UserFacingError, match="找不到文件"):
        parse_file(tmp_path / "没有.txt")
    broken = tmp_path / "坏.docx"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(UserFacingError, match="无法打开"):
        parse_file(broken)
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(UserFacingError, match="坏.xlsx 不是有效的电子表格"):
        parse_file(broken)


def test_xlsx_is_checked_by_the_pipeline_reader(tmp_path):
    """The reader's checks apply: a password-protected workbook is named as such, under the uploaded name."""
    locked = tmp_path / "0a1b2c_x.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 + "EncryptionInfo".encode("utf-16-le"))
    with pytest.raises(UserFacingError) as exc:
        parse_file(locked, document="县里的清单.xlsx")
    assert "县里的清单.xlsx" in exc.value.message and "密码" in exc.value.message and "0a1b2c" not in exc.value.message


def test_xlsx_every_sheet_blank_ones_skipped_and_merges_down_the_tasks(tmp_path):
    import xlsxwriter

    path = tmp_path / "清单.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("说明")  # blank
    sheet = workbook.add_worksheet("任务")
    sheet.write_row(2, 2, ["序号", "工作任务", "牵头单位", "完成时限"])  # the table starts at C3
    sheet.write_row(3, 2, [1, "完善监测制度"])
    sheet.merge_range(3, 4, 5, 4, "县乡村振兴局")  # one lead unit for three tasks
    sheet.write(3, 5, "2024年12月底")
    sheet.write_row(4, 2, [2, "优化监测方式"])
    sheet.write_row(5, 2, [3, "加强帮扶"])
    other = workbook.add_worksheet("补充")
    other.write_row(0, 0, ["序号", "工作任务", "牵头单位"])
    other.write_row(1, 0, [4, "壮大产业", "县农业农村局"])
    workbook.close()

    tasks = parse_file(path, year=2024).tasks
    assert [t.no for t in tasks] == ["1", "2", "3", "4"]
    assert [t.lead_units for t in tasks] == [["县乡村振兴局"]] * 3 + [["县农业农村局"]]
    assert tasks[0].due_date == date(2024, 12, 31)
