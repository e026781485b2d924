"""Password rules beyond Django's: no well-known weak patterns, nothing taken from the account itself.

Django's validators catch short, all-digit and listed common passwords; people here make passwords like
"Admin@123" or "Woaini1314!" that pass those, and like their own phone number or username. Messages are in
Chinese because county staff read them.
"""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

# Weak cores: what is left of a password after its digits and symbols are taken away.
WEAK_WORDS = frozenset({
    "password", "passwd", "passw", "pass", "pwd", "admin", "administrator", "root", "user", "guest", "test",
    "qwerty", "qwertyuiop", "qwer", "asdf", "asdfgh", "asdfghjkl", "zxcv", "zxcvbnm", "qaz", "qazwsx", "abc",
    "abcd", "abcde", "abcdef", "abcdefg", "aaa", "aaaa", "woaini", "iloveyou", "welcome", "hello", "china",
    "zhongguo", "beijing", "gonggu", "gongguadmin", "fupin", "xiangcun", "zhengfu", "system", "manager",
})
# Long enough to be weak inside anything ("P@ssw0rd2026", "MyPassword!").
_LONG_WEAK_WORDS = tuple(w for w in WEAK_WORDS if len(w) >= 6)
# Keyboard and counting runs that are weak whatever surrounds them.
WEAK_RUNS = ("123456", "654321", "abcdef", "qwerty", "asdfgh", "1qaz2wsx", "password", "111111", "000000", "888888",
             "666666", "520520", "5201314", "1314520")


class WeakPatternValidator:
    """Refuses Django's common passwords and the weak patterns above (any case, any digits around them)."""

    def __init__(self):
        self._common = CommonPasswordValidator()

    def validate(self, password: str, user=None) -> None:
        lowered = password.lower().strip()
        core = re.sub(r"[^a-z]", "", lowered.replace("0", "o").replace("@", "a").replace("$", "s"))
        letters = re.sub(r"[^a-z]", "", lowered)
        if (lowered in self._common.passwords or core in WEAK_WORDS or letters in WEAK_WORDS
                or any(word in core for word in _LONG_WEAK_WORDS) or any(run in lowered for run in WEAK_RUNS)):
            raise ValidationError("这个密码太常见（如 Admin@123、Woaini1314、连续数字或键盘顺序），很容易被猜中，请换一个。",
                                  code="password_too_common")

    def get_help_text(self) -> str:
        return "不能使用常见密码（如 Admin@123、Woaini1314、连续数字或键盘顺序）。"


class AccountLikeValidator:
    """Refuses passwords that contain the account's username, name or phone number."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.lower()
        digits = re.sub(r"\D", "", password)
        username = (getattr(user, "username", "") or "").lower()
        name = (getattr(user, "full_name", "") or "").strip()
        phone = re.sub(r"\D", "", getattr(user, "phone", "") or "")
        if (len(username) >= 3 and username in lowered) or (len(name) >= 2 and name.lower() in lowered):
            raise ValidationError("密码不能包含用户名或姓名。", code="password_like_account")
        if len(phone) >= 7 and (phone in digits or phone[-6:] in digits and len(digits) <= 8):
            raise ValidationError("密码不能包含手机号。", code="password_like_account")

    def get_help_text(self) -> str:
        return "不能包含用户名、姓名或手机号。"
