from django import template

from gonggu.core.idnumber import mask
from gonggu.rules.catalog import CATALOG

from ..evidence import department_label
from ..models import GRADE_BADGE, Grade

register = template.Library()


@register.filter
def mask_id(value: str | None) -> str:
    return mask(value) if value else "—"


@register.filter
def rule_title(code: str) -> str:
    rule = CATALOG.rules.get(code)
    return rule.title if rule is not None else ""


@register.filter
def grade_label(grade: str) -> str:
    try:
        return Grade(grade).label
    except ValueError:
        return grade or "—"


@register.filter
def grade_badge(grade: str) -> str:
    return GRADE_BADGE.get(grade, "grey")


@register.filter
def dept_label(code: str) -> str:
    return department_label(code)


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def can(user, perm: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm_code(perm)
