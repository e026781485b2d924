"""Loading an indicator system from its JSON description (shipped data or a county's file).

The same function serves the data migration (historical models through `apps`) and the
`gonggu load_indicators` command (current models), so what a fresh database gets is
exactly what the command loads.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.apps import apps as global_apps

from gonggu.core.errors import UserFacingError

DATA_DIR = Path(__file__).parent / "data"
SHIPPED = DATA_DIR / "indicators_2025.json"


def read_system_file(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserFacingError(f"文件 {path.name} 不存在。") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserFacingError(f"文件 {path.name} 不是有效的 JSON 指标体系：{exc}") from None
    problems = validate(data)
    if problems:
        raise UserFacingError(f"文件 {path.name} 有误：" + "；".join(problems))
    return data


def validate(data: dict) -> list[str]:
    """Every problem of the description at once (pandera-style), not just the first."""
    problems = []
    for key in ("year", "title", "categories"):
        if key not in data:
            problems.append(f"缺少 {key}")
    if problems:
        return problems
    if not isinstance(data["year"], int) or not 2000 <= data["year"] <= 2100:
        problems.append(f"年度 {data['year']!r} 不是有效年份")
    codes: set[str] = set()
    for c_index, category in enumerate(data["categories"], start=1):
        for key in ("no", "name", "indicators"):
            if key not in category:
                problems.append(f"第 {c_index} 个类别缺少 {key}")
        for indicator in category.get("indicators", []):
            code = str(indicator.get("code", ""))
            if not code or not indicator.get("name") or "content" not in indicator:
                problems.append(f"类别 {category.get('name', c_index)} 中有指标缺少 code、name 或 content")
            if code in codes:
                problems.append(f"指标序号 {code} 重复")
            codes.add(code)
            for d in indicator.get("deductions", []):
                if not d.get("code") or not d.get("type") or "wording" not in d:
                    problems.append(f"指标 {code} 的扣分项缺少 code、type 或 wording")
                points = d.get("points")
                if points not in (None, ""):
                    try:
                        Decimal(str(points))
                    except InvalidOperation:
                        problems.append(f"指标 {code} 扣分项 {d.get('type')} 的分值 {points!r} 不是数字")
    for task in data.get("key_tasks", []):
        if str(task.get("indicator", "")) not in codes:
            problems.append(f"重点任务 {task.get('no')} 对应的指标 {task.get('indicator')} 不存在")
    return problems


def load_system(data: dict, *, region_code: str = "", apps=global_apps, user=None):
    """Create or replace the (year, region_code) system from `data`; returns the IndicatorSystem row.

    Replacing keeps the system row (and what refers to it) and rebuilds its categories,
    indicators, deduction types and key tasks.
    """
    System = apps.get_model("assessment", "IndicatorSystem")
    Category = apps.get_model("assessment", "IndicatorCategory")
    Indicator = apps.get_model("assessment", "Indicator")
    DeductionType = apps.get_model("assessment", "DeductionType")
    KeyTask = apps.get_model("assessment", "KeyTask")

    system, _created = System.objects.update_or_create(
        year=data["year"], region_code=region_code,
        defaults={"title": data["title"], "source": data.get("source", ""), "notes": data.get("notes", ""),
                  "updated_by": user},
    )
    if _created and user is not None:
        System.objects.filter(pk=system.pk).update(created_by=user)
    system.key_tasks.all().delete()
    DeductionType.objects.filter(indicator__system=system).delete()
    system.indicators.all().delete()
    system.categories.all().delete()
    by_code = {}
    order = 0
    for c_order, category in enumerate(data["categories"]):
        cat = Category.objects.create(system=system, no=category["no"], name=category["name"], order=c_order)
        for indicator in category["indicators"]:
            order += 1
            row = Indicator.objects.create(
                system=system, category=cat, code=str(indicator["code"]), name=indicator["name"],
                content=indicator["content"], method=indicator.get("method", ""),
                responsible="、".join(indicator.get("responsible", [])), note=indicator.get("note", ""),
                score=None if indicator.get("score") in (None, "") else Decimal(str(indicator["score"])),
                target_text=indicator.get("target_text", ""), figures=list(indicator.get("figures", [])),
                order=order,
            )
            by_code[row.code] = row
            DeductionType.objects.bulk_create([
                DeductionType(indicator=row, code=d["code"], type=d["type"], wording=d["wording"],
                              points=None if d.get("points") in (None, "") else Decimal(str(d["points"])),
                              decision=d.get("decision", ""), aliases=list(d.get("aliases", [])), order=i)
                for i, d in enumerate(indicator.get("deductions", []))
            ])
    KeyTask.objects.bulk_create([
        KeyTask(system=system, no=t["no"], title=t["title"], content=t["content"],
                indicator=by_code.get(str(t.get("indicator", ""))))
        for t in data.get("key_tasks", [])
    ])
    return system


def dump_system(system) -> dict:
    """The JSON description of a system (for export, and to copy one year into another)."""
    categories = []
    for cat in system.categories.all().order_by("order"):
        indicators = []
        for ind in cat.indicators.all().order_by("order"):
            entry = {"code": ind.code, "name": ind.name, "content": ind.content, "method": ind.method,
                     "responsible": ind.responsible_list, "figures": list(ind.figures or [])}
            if ind.note:
                entry["note"] = ind.note
            if ind.score is not None:
                entry["score"] = str(ind.score)
            if ind.target_text:
                entry["target_text"] = ind.target_text
            deductions = [{"code": d.code, "type": d.type, "wording": d.wording,
                           "points": None if d.points is None else str(d.points), "decision": d.decision,
                           "aliases": list(d.aliases or [])} for d in ind.deductions.all().order_by("order")]
            if deductions:
                entry["deductions"] = deductions
            indicators.append(entry)
        categories.append({"no": cat.no, "name": cat.name, "indicators": indicators})
    return {
        "year": system.year, "title": system.title, "source": system.source, "notes": system.notes,
        "categories": categories,
        "key_tasks": [{"no": t.no, "indicator": t.indicator.code if t.indicator else "", "title": t.title,
                       "content": t.content} for t in system.key_tasks.all().select_related("indicator")],
    }
