"""`{% load links %}` — `value|web_url`: the address when it may be a link (core.links.is_web_url), else ""."""

from django import template

from tsunagu.core.links import is_web_url

register = template.Library()


@register.filter
def web_url(value: object) -> str:
    return value if isinstance(value, str) and is_web_url(value) else ""
