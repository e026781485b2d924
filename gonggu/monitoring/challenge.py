"""A simple offline question for the public pages after repeated submissions from one address.

No third-party service (the intranet has none): a small sum in Chinese, its answer kept in the session.
A script without cookies never has the answer; a person answers in a second.
"""

from __future__ import annotations

import secrets

_DIGITS = "零一二三四五六七八九十"
_KEY = "public_challenge"


def challenge_new(session) -> str:
    """A new question for this session (replacing any earlier one); returns its text."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    session[_KEY] = str(a + b)
    return f"{_DIGITS[a]}加{_DIGITS[b]}等于几？（请填写数字）"


def challenge_passed(session, answer: str | None) -> bool:
    """Whether `answer` answers this session's question; a question is answered at most once."""
    expected = session.pop(_KEY, None)
    return expected is not None and (answer or "").strip() == expected
