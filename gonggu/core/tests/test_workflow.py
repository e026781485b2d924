"""The one transition-table engine: every procedure's table is an instance, each step has one service."""

import datetime as dt
from types import SimpleNamespace

import pytest

from gonggu.core.errors import UserFacingError
from gonggu.core.workflow import Ctx, T, Workflow, call_service


def _clerk(obj, ctx):
    return None if ctx.user == "clerk" else "只有村级用户可以办理。"


def _note(obj, ctx):
    return None if ctx.data.get("note") else "请填写说明。"


def _table():
    return Workflow("demo", [T("submit", "报送", "draft", "sent", _clerk, _note, form="NoteForm"),
                             T("create", "新建", set(), "draft", _clerk)])


def _row(status):
    return SimpleNamespace(status=status, get_status_display=lambda: {"draft": "草稿", "sent": "已报送"}[status])


def test_guards_give_the_first_reason_in_order():
    table, today = _table(), dt.date(2025, 3, 3)
    table.check("submit", _row("draft"), Ctx(user="clerk", today=today, data={"note": "x"}))
    with pytest.raises(UserFacingError, match="当前状态为「已报送」，不能办理「报送」。"):
        table.check("submit", _row("sent"), Ctx(user="clerk", today=today))
    with pytest.raises(UserFacingError, match="只有村级用户可以办理"):
        table.check("submit", _row("draft"), Ctx(user="guest", today=today))
    assert table.reasons("submit", _row("draft"), Ctx(user="guest", today=today)) == [
        "只有村级用户可以办理。", "请填写说明。"]
    # A step with no source creates the object: no status to check.
    table.check("create", _row("sent"), Ctx(user="clerk", today=today))
    assert [t.name for t in table.available(_row("draft"), "clerk", today)] == ["submit"]
    assert table.available(_row("draft"), "guest", today) == []


def test_one_service_per_step_called_with_what_it_declares():
    table = _table()

    @table.service("submit")
    def submit(*, row, user, note=""):
        return (row, user, note)

    with pytest.raises(ValueError):
        table.service("submit")(submit)
    with pytest.raises(KeyError):
        table.service("missing")
    assert call_service(table.services["submit"], row=1, rows=[1], user="clerk", note="n", extra="x") == (1, "clerk", "n")
