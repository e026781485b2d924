"""Scoring negative items (负面事项, indicator 13 of seed 002 附件2).

Each (matter, type) pair is one row; the same matter counts once, at the
highest value among its types (同一事项按就高原则计算，不重复扣分). 规模性返贫 has
no number: it is flagged for a decision (另行酌情扣分，降档处理，约谈提醒).
A type that is neither a canonical name (cli.md) nor the seed's wording nor a
listed alias is reported with its row, never guessed.

Files are read by the intake pipeline (format `assessment.deductions`, `intake_formats.py`): its reader
and the typed column spec below, so every unreadable cell and every unknown type is a rejected row with its
number. Scoring a file is a dry run of the pipeline; recording one (the deductions page) is an import with
its batch, kept file and 退回表.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from gonggu.dataio.columns import Column, ColumnSpec, Kind

SHIPPED_FILE = Path(__file__).parent / "data" / "indicators_2025.json"

DEDUCTION_SPEC = ColumnSpec(
    key="deductions",
    title="负面事项",
    columns=(
        Column("事项", required=True, aliases=("问题事项", "事项名称", "负面事项"), width=40, max_length=300,
               help="同一事项（同一件事）多行填写同一名称，按就高原则只扣一次", example="某村危房改造不到位"),
        Column("类型", required=True, aliases=("扣分类型", "负面事项类型", "情形"), width=36, example="省委省政府通报批评",
               help="党中央国务院通报批评、中央和国家机关部委通报批评、省委省政府通报批评、省委部门省直单位通报批评、"
                    "整治不正之风和腐败问题推进不力、主流媒体曝光、考核发现重大突出问题、形式主义官僚主义数据造假、规模性返贫"
                    "（也可写指标体系原文的表述）"),
        Column("发生日期", aliases=("日期", "通报日期"), kind=Kind.DATE, example="2025-06-30"),
        Column("通报文件或出处", aliases=("出处", "文件", "通报文件"), width=30, max_length=300),
        Column("说明", aliases=("备注",), width=30, max_length=2000),
    ),
    notes=("依据：2025年度巩固拓展脱贫攻坚成果考核指标体系（附件2）第13项扣分项。",
           "同一事项按就高原则计算，不重复扣分；发生规模性返贫的，另行酌情扣分、降档处理，不计入固定扣分。"),
)

_PUNCT = re.compile(r"[\s、，,。．.；;：:“”\"'‘’（）()《》【】\[\]·—\-_/]+")
_PER_ITEM = re.compile(r"每项扣\d+(?:\.\d+)?分$")


def normalize_type(text: str | None) -> str:
    """Compare types ignoring width, blanks, punctuation, a trailing 的 and a trailing 每项扣N分."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    folded = _PUNCT.sub("", folded)
    folded = _PER_ITEM.sub("", folded)
    return folded.removesuffix("的")


def _without_lead(key: str) -> str:
    for lead in ("受到", "被"):
        if key.startswith(lead):
            return key[len(lead):]
    return key


def normalize_matter(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class TypeDef:
    code: str
    type: str
    wording: str
    points: Decimal | None
    decision: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def discretionary(self) -> bool:
        return self.points is None


class TypeTable:
    """Looks a written type up among canonical names, the seed's wording and aliases; nothing fuzzier."""

    def __init__(self, defs: Iterable[TypeDef]):
        self.defs = list(defs)
        self._lookup: dict[str, TypeDef] = {}
        for d in self.defs:
            for text in (d.type, d.wording, *d.aliases):
                key = normalize_type(text)
                self._lookup.setdefault(key, d)
                self._lookup.setdefault(_without_lead(key), d)

    def find(self, text: str | None) -> TypeDef | None:
        key = normalize_type(text)
        if not key:
            return None
        return self._lookup.get(key) or self._lookup.get(_without_lead(key))

    @property
    def canonical_names(self) -> list[str]:
        return [d.type for d in self.defs]


def _defs_from_json(items: list[dict]) -> list[TypeDef]:
    return [TypeDef(code=i["code"], type=i["type"], wording=i["wording"],
                    points=None if i.get("points") in (None, "") else Decimal(str(i["points"])),
                    decision=i.get("decision", ""), aliases=tuple(i.get("aliases", ()))) for i in items]


@lru_cache(maxsize=1)
def shipped_table() -> TypeTable:
    """The 2025 table of seed 002 附件2 item 13, from the shipped indicator data (the cli.md contract)."""
    data = json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    for category in data["categories"]:
        for indicator in category["indicators"]:
            if indicator.get("deductions"):
                return TypeTable(_defs_from_json(indicator["deductions"]))
    raise RuntimeError("shipped indicator data has no deduction items")


def table_from_models(deduction_types) -> TypeTable:
    return TypeTable(TypeDef(code=d.code, type=d.type, wording=d.wording, points=d.points, decision=d.decision,
                             aliases=tuple(d.aliases or ())) for d in deduction_types)


@dataclass
class MatterResult:
    matter: str
    deduction: Decimal | None
    counted_type: str | None
    types: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    decision_needed: bool = False
    decision: str = ""


@dataclass
class DeductionResult:
    total: Decimal
    matters: list[MatterResult]
    rejected: list[dict]

    @property
    def decisions(self) -> list[MatterResult]:
        return [m for m in self.matters if m.decision_needed]

    def as_dict(self) -> dict:
        def number(value: Decimal | None):
            if value is None:
                return None
            return int(value) if value == value.to_integral_value() else float(value)

        matters = []
        for m in self.matters:
            entry = {"matter": m.matter, "deduction": number(m.deduction), "counted_type": m.counted_type,
                     "types": m.types, "rows": m.rows, "decision_needed": m.decision_needed}
            if m.decision_needed:
                entry["decision"] = m.decision
            matters.append(entry)
        return {
            "total": number(self.total),
            "matters": matters,
            "decisions_needed": [m.matter for m in self.decisions],
            "rejected": self.rejected,
        }


@dataclass(frozen=True)
class Item:
    row: int | None
    matter: str
    type: str


def score(items: Iterable[Item], table: TypeTable | None = None) -> DeductionResult:
    """Group by matter, keep each matter's highest deduction, flag discretionary types."""
    table = table or shipped_table()
    groups: dict[str, MatterResult] = {}
    best: dict[str, TypeDef] = {}
    rejected: list[dict] = []
    for item in items:
        matter = (item.matter or "").strip()
        if not matter:
            rejected.append({"row": item.row, "column": "事项", "value": item.type or "", "reason": "事项为空"})
            continue
        if not (item.type or "").strip():
            rejected.append({"row": item.row, "column": "类型", "value": "", "reason": "类型为空"})
            continue
        found = table.find(item.type)
        if found is None:
            rejected.append({"row": item.row, "column": "类型", "value": item.type,
                             "reason": f"无法识别的类型“{item.type}”，应为：{'、'.join(table.canonical_names)}"})
            continue
        key = normalize_matter(matter)
        result = groups.setdefault(key, MatterResult(matter=matter, deduction=None, counted_type=None))
        if found.type not in result.types:
            result.types.append(found.type)
        if item.row is not None:
            result.rows.append(item.row)
        if found.discretionary:
            result.decision_needed = True
            result.decision = found.decision
            continue
        current = best.get(key)
        # Strictly greater: among equal values the type met first is the one counted.
        if current is None or found.points > current.points:
            best[key] = found
            result.deduction = found.points
            result.counted_type = found.type
    matters = list(groups.values())
    total = sum((m.deduction for m in matters if m.deduction is not None), Decimal(0))
    return DeductionResult(total=total, matters=matters, rejected=rejected)


def rejected_entry(problem) -> dict:
    """A rejected row of the pipeline in the command's shape (cli.md): row, column, value, reason."""
    return {"row": problem.row, "column": problem.column, "value": problem.value, "reason": problem.reason}


def read_items(path, *, file_label: str | None = None, table: TypeTable | None = None) -> tuple[list[Item], list[dict]]:
    """The recognised rows of a 负面事项 sheet and the rejected ones (row, column, value, reason).

    A dry run of the intake pipeline: nothing is written. A missing column or an unreadable file raises
    UserFacingError.
    """
    from gonggu.dataio.intake import intake_run

    from .intake_formats import DEDUCTION_FORMAT

    items: list[Item] = []
    result = intake_run(DEDUCTION_FORMAT, path=path, file_label=file_label, dry_run=True,
                        table=table or shipped_table(), items=items)
    return items, [rejected_entry(p) for p in result.rejected]


def score_file(path, *, file_label: str | None = None, table: TypeTable | None = None) -> DeductionResult:
    items, rejected = read_items(path, file_label=file_label, table=table)
    result = score(items, table)
    result.rejected = sorted(rejected + result.rejected, key=lambda r: r["row"] or 0)
    return result
