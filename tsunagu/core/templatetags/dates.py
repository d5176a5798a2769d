"""`{% load dates %}` — a date shown in the user's style (core.dates.DateStyle; `date_style` is in every page's
context, from the shell context processor, so no date costs a query):

- `{{ d|wareki:date_style }}` — tables, lists, forms' read-only text: 「R8.2.3」 (西暦: 「2026-02-03」);
- `{{ d|wareki_long:date_style }}` — prints and headings: 「令和8年2月3日」 (西暦: 「2026年2月3日」);
- `{{ d|wareki_month:date_style }}` — a month: 「令和8年2月」 (西暦: 「2026年2月」);
- `{{ t|wareki_time:date_style }}`, `{{ t|wareki_long_time:date_style }}` — a datetime with its time, 「R8.2.3 14:05」.

A datetime is shown at its local date; an ISO text (from `{% now "Y-m-d" as today %}`) is read as a date. An empty
value gives "", so `|default:"未定"` still works after the filter. Machine formats (a <time>'s datetime, an input's value, the API)
stay ISO 8601 and do not use these filters.
"""

import datetime as dt
from collections.abc import Callable

from django import template
from django.utils import timezone

from ..dates import DateStyle, date_long, date_short, month_long

register = template.Library()


def _shown(value: object, style: str, form: Callable[[dt.date, str], str], with_time: bool = False) -> str:
    if isinstance(value, str) and value:
        try:
            return form(dt.date.fromisoformat(value), style or DateStyle.WAREKI)  # {% now "Y-m-d" as d %} is a text
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        shown = form(local.date(), style or DateStyle.WAREKI)
        return f"{shown} {local:%H:%M}" if with_time else shown
    if isinstance(value, dt.date):
        return form(value, style or DateStyle.WAREKI)
    return ""


@register.filter
def wareki(value: object, style: str = DateStyle.WAREKI) -> str:
    """「R8.2.3」, or 「2026-02-03」 when the user chose 西暦 (a datetime: its local date)."""
    return _shown(value, style, date_short)


@register.filter
def wareki_time(value: object, style: str = DateStyle.WAREKI) -> str:
    """A datetime: 「R8.2.3 14:05」, or 「2026-02-03 14:05」 when the user chose 西暦."""
    return _shown(value, style, date_short, with_time=True)


@register.filter
def wareki_long(value: object, style: str = DateStyle.WAREKI) -> str:
    """「令和8年2月3日」, or 「2026年2月3日」 when the user chose 西暦 (a datetime: its local date)."""
    return _shown(value, style, date_long)


@register.filter
def wareki_long_time(value: object, style: str = DateStyle.WAREKI) -> str:
    """A datetime: 「令和8年2月3日 14:05」, or 「2026年2月3日 14:05」 when the user chose 西暦."""
    return _shown(value, style, date_long, with_time=True)


@register.filter
def wareki_month(value: object, style: str = DateStyle.WAREKI) -> str:
    """「令和8年2月」, or 「2026年2月」 when the user chose 西暦."""
    return _shown(value, style, month_long)
