"""Errors that carry a message for people, in Chinese."""


class UserFacingError(Exception):
    """Bad input or a refused action: the message is shown as is; no traceback."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotFoundInScope(UserFacingError):
    """Missing, or outside the user's region: both look the same to the user."""

    def __init__(self, what: str = "记录"):
        super().__init__(f"{what}不存在。")
