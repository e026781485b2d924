"""Reading a finding's evidence: what write.py takes from it, and a readable rendering for people.

The engine hands each finding's evidence as JSON text (rules.md: which list,
batch, row, values). Screening takes three things from it (computed set-wise in
`write._prepare`):

*Fact date* — the latest date on which a fact the finding rests on was stated:
the as-of date of the department batch each row comes from, read from the keys
in `FACT_DATE_KEYS` at any depth of the evidence; the largest date wins.
Registry facts (incomes, members) carry no such date: a finding resting only on
them is *undated*.

*Fingerprint* — the MD5 of the evidence text, so that two findings resting on
exactly the same facts compare equal (the engine renders evidence
deterministically).

*Department* — the department of the list the finding comes from: the
`source` named in the evidence (`mz_assistance` → 民政), else the department of
the first `dept_<source>` table the rule reads, else 农业农村 (the registry's
own department: INCOME-BELOW-LINE, INCOME-DROP).
"""

from __future__ import annotations

import json
from typing import Any

from gonggu.core.departments import Department

FACT_DATE_KEYS = frozenset({"fact_date", "batch_as_of", "batch_date"})
SOURCE_KEYS = ("source", "list", "dept_source")
REGISTRY_DEPARTMENT = Department.NY.value
DEPARTMENT_CODES = tuple(d for d in Department.values if d != Department.OTHER)

SOURCE_LABELS = {
    "mz_assistance": "民政救助", "yb_enrolment": "医保参保", "yb_expense": "医保费用", "cl_disability": "残疾人证",
    "zj_housing": "住房安全鉴定", "jy_student": "学籍", "rs_employment": "就业登记", "yj_disaster": "灾情",
    "ga_deregistration": "户籍注销", "registry": "农户台账",
}

# Chinese labels for the evidence keys rules commonly use; unknown keys are shown as written.
KEY_LABELS = {
    "source": "数据来源", "list": "数据来源", "batch": "批次", "batch_id": "批次", "batch_as_of": "批次基准日",
    "batch_date": "批次日期", "fact_date": "事实日期", "row": "行号", "row_number": "行号", "file": "文件",
    "file_name": "文件", "id_number": "身份证号", "name": "姓名", "registry_name": "台账姓名",
    "dept_name": "部门姓名", "year": "年度", "income_year": "收入年度", "per_capita": "人均纯收入",
    "prev_per_capita": "上年人均纯收入", "net_income": "家庭纯收入", "monitoring_line": "监测范围",
    "line": "监测范围", "ratio": "比例", "drop_ratio": "降幅", "status": "状态", "category": "类别",
    "grade": "等级", "expense": "自付费用", "self_pay": "政策范围内自付费用", "threshold": "阈值",
    "disposable_income": "人均可支配收入", "loss": "损失金额", "loss_amount": "损失金额",
    "disaster_date": "受灾日期", "issue_date": "发证日期", "cert_date": "发证日期", "age": "年龄",
    "reason": "原因", "date": "日期", "household_type": "户类型", "members": "成员", "values": "取值",
    "appraisal_date": "鉴定日期", "deregistration_date": "注销日期", "list_name": "名单中的姓名",
    "previous_year": "上一收入年度", "previous_per_capita": "上年人均纯收入", "labour_members": "劳动力人数",
    "heads": "户主人数", "health": "健康状况", "disability_grade": "残疾等级",
    "school_status": "在校情况", "labour_ability": "劳动能力", "work_months": "务工月数", "relation": "与户主关系",
    "gender": "性别", "head_age": "户主年龄", "monitoring_type": "监测对象类型",
}


def parse_evidence(raw: Any) -> list:
    """The evidence as a list of items (objects or values); JSON text is parsed, invalid text kept as a note."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return [{"说明": raw}]
    return raw if isinstance(raw, list) else [raw]


def department_of_source(source: str) -> str:
    """`mz_assistance` → 'mz'; a source of no known department → ''."""
    head = source.split("_", 1)[0].lower()
    return head if head in Department.values else ""


def rule_department(rule_code: str) -> str:
    """The department of a rule from the department tables it reads (the catalog), else the registry's."""
    from gonggu.rules.catalog import CATALOG

    rule = CATALOG.rules.get(rule_code)
    for table in rule.tables if rule is not None else ():
        if table.startswith("dept_") and table != "dept_rows":
            dept = department_of_source(table[len("dept_"):])
            if dept:
                return dept
    return REGISTRY_DEPARTMENT


def department_label(code: str) -> str:
    try:
        return Department(code).label
    except ValueError:
        return code or "—"


# -- rendering for people --------------------------------------------------------------------------------


def _value_text(key: str, value: Any, mask) -> str:
    if value is None or value == "":
        return "—"
    if key == "id_number" and isinstance(value, str):
        return mask(value)
    if key in ("source", "list", "dept_source") and isinstance(value, str):
        return "、".join(SOURCE_LABELS.get(part, part) for part in value.split(","))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def render_items(items: list, mask) -> list[list[tuple[str, str]]]:
    """Each evidence item as (label, text) pairs; identity numbers masked by `mask`."""
    rendered = []
    for item in items:
        if isinstance(item, dict):
            pairs = []
            for key, value in item.items():
                if value is None:
                    continue  # a column the rule leaves empty for this finding (e.g. no batch for registry facts)
                if isinstance(value, dict):
                    for sub_key, sub_value in value.items():
                        label = f"{KEY_LABELS.get(key, key)} · {KEY_LABELS.get(sub_key, sub_key)}"
                        pairs.append((label, _value_text(sub_key, sub_value, mask)))
                else:
                    pairs.append((KEY_LABELS.get(key, key), _value_text(key, value, mask)))
            rendered.append(pairs)
        else:
            rendered.append([("说明", _value_text("", item, mask))])
    return rendered


def render_params(params: dict) -> list[tuple[str, str]]:
    """The parameter values a finding used, with the catalog's titles; yearly values as 「2024 年：32400」."""
    from gonggu.rules.catalog import CATALOG

    known = getattr(CATALOG, "params", {}) or {}
    pairs = []
    for name, value in (params or {}).items():
        title = getattr(known.get(name), "title", "") or KEY_LABELS.get(name, name)
        if isinstance(value, dict):
            text = "；".join(f"{year} 年：{v}" for year, v in sorted(value.items()))
        else:
            text = _value_text(name, value, str)
        pairs.append((title, text))
    return pairs
