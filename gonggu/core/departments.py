"""The one list of departments (行业部门): who a department user works for, whose list a department source is,
which department a warning's data came from, who is responsible for a 帮扶措施.

Values are short codes (the prefix of the department sources, `mz_assistance`, and of the demo's
`bumen_mz` logins); people see and may type the Chinese label (`Department.of` accepts either).
"""

from __future__ import annotations

from django.db import models


class Department(models.TextChoices):
    MZ = "mz", "民政"
    YB = "yb", "医保"
    WJ = "wj", "卫健"
    CL = "cl", "残联"
    ZJ = "zj", "住建"
    SL = "sl", "水利"
    RS = "rs", "人社"
    JY = "jy", "教育"
    YJ = "yj", "应急"
    GA = "ga", "公安"
    NY = "ny", "农业农村"
    XCZX = "xczx", "乡村振兴"
    JR = "jr", "金融"
    XZ = "xz", "乡镇"
    OTHER = "other", "其他"

    @classmethod
    def of(cls, text: str | None) -> str:
        """The code of a department given by its code or its Chinese label; '' when blank or unknown."""
        text = (text or "").strip()
        if text in cls.values:
            return text
        return LABEL_TO_CODE.get(text, "")


LABEL_TO_CODE = {d.label: d.value for d in Department}
