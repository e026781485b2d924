from django import template

from gonggu.tasks.periods import recurrence_label
from gonggu.tasks.selectors import LIGHTS

register = template.Library()


@register.filter
def light_label(light: str) -> str:
    return LIGHTS.get(light, "")


@register.inclusion_tag("tasks/_light.html")
def light_badge(light: str, deadline=None, kind: str = ""):
    return {"light": light, "label": LIGHTS.get(light, ""), "deadline": deadline, "kind": kind}


@register.filter
def recurrence(value) -> str:
    return recurrence_label(value)


@register.filter
def path_text(value) -> str:
    return " / ".join(value or [])


@register.filter
def units_text(value) -> str:
    return "、".join(value or [])


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def inbox_unread(user) -> int:
    from gonggu.tasks.selectors import unread_count

    return unread_count(user)


@register.simple_tag
def can(user, perm: str) -> bool:
    return user.has_perm_code(perm)
