"""What the task-list reader returns (`ParsedTask`, `ParsedDocument`) and the names of the shapes it recognises."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

READABLE_SUFFIXES = (".docx", ".xlsx", ".txt")
# What the reader recognised, for the import report.
SHAPE_LABELS = {
    "table": "表格（序号、工作任务、牵头单位、责任单位、完成时限等列）",
    "columns": "分栏一览表（主要工作、分项内容、任务分解及工作要求、责任单位等栏）",
    "numbered": "编号段落（“1.标题。内容。（单位）”）",
    "notice": "通知正文中的编号事项",
    "outline": "多级编号正文（一、（一）1.（1）①，单位写在任务中、任务下或正文中）",
    "handbook": "工作手册（政策依据、工作重点、关注问题）",
    "structured": "Word/Excel 文件中的表格和段落",
    "unknown": "未识别",
}
NO_TASKS = (
    "未识别到任务：没有找到带编号的任务条目（如“1.…”“（1）…”“①…”），没有找到写明“牵头单位：”“责任单位：”的任务，"
    "也没有找到含“工作任务”“牵头单位”“责任单位”“完成时限”等列名的表格。"
)
READABLE_LABEL = "、".join(READABLE_SUFFIXES)


# --------------------------------------------------------------------------- results


@dataclass
class ParsedTask:
    no: str | None
    path: list[str]
    title: str
    content: str
    lead_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    due_date: dt.date | None = None
    recurrence: dict | None = None
    evaluation_method: str | None = None
    deadline_unparsed: bool = False

    def as_dict(self) -> dict:
        data = {
            "no": self.no,
            "path": list(self.path),
            "title": self.title,
            "content": self.content,
            "lead_units": list(self.lead_units),
            "responsible_units": list(self.responsible_units),
            "deadline_text": self.deadline_text,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "recurrence": self.recurrence,
            "evaluation_method": self.evaluation_method,
        }
        if self.deadline_unparsed:
            data["deadline_unparsed"] = True
        return data


@dataclass
class ParsedDocument:
    document: str
    year: int | None
    tasks: list[ParsedTask]
    warnings: list[str] = field(default_factory=list)
    shape: str = ""
    # The title line of the document (the file name is in `document` when a file was read).
    title: str = ""
    # A standing reporting rule of the covering notice ("牵头单位要在每年11月20日前…反馈工作进展情况").
    report_recurrence: dict | None = None
    report_text: str = ""
    # The notice asks for a yearly breakdown (任务书、时间表、路线图) of every task.
    asks_breakdown: bool = False

    def as_dict(self) -> dict:
        return {"document": self.document, "tasks": [task.as_dict() for task in self.tasks]}
