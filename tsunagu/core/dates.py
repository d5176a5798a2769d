"""Dates on screens: the one date form field, and the user's choice of 和暦 or 西暦 for showing them.

Every date input is `DateField`: one text input, read on the server by `rules.wareki.read_date` (R8.2.3, 令和8年2月3日,
8.2.3 in the current era, 2026-02-03 …), so it works without JavaScript; app.js adds a button opening the browser's
own date picker, which writes the chosen date back as text. A date is shown by the template filters of
`core.templatetags.dates` in the user's `DateStyle` (`Staff.date_style`, 和暦 unless she chose 西暦), which the
`shell` context processor puts in every page's context as `date_style`. A date input shows its value in the same
style: `DateStyleMiddleware` remembers the request for the widget, which asks `current_style()`.
"""

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tsunagu.rules.wareki import FORMAT_EXAMPLES, DateTextError, read_date, wareki, wareki_month, wareki_short


class DateStyle(models.TextChoices):
    WAREKI = "wareki", "和暦（R8.2.3・令和8年2月3日）"
    SEIREKI = "seireki", "西暦（2026-02-03・2026年2月3日）"


def date_short(date: dt.date, style: str = DateStyle.WAREKI) -> str:
    """Tables, lists and inputs: 「R8.2.3」, or 「2026-02-03」 in 西暦."""
    return date.isoformat() if style == DateStyle.SEIREKI else wareki_short(date)


def date_long(date: dt.date, style: str = DateStyle.WAREKI) -> str:
    """Prints and headings: 「令和8年2月3日」, or 「2026年2月3日」 in 西暦."""
    return f"{date.year}年{date.month}月{date.day}日" if style == DateStyle.SEIREKI else wareki(date)


def month_long(date: dt.date, style: str = DateStyle.WAREKI) -> str:
    """A month: 「令和8年2月」, or 「2026年2月」 in 西暦."""
    return f"{date.year}年{date.month}月" if style == DateStyle.SEIREKI else wareki_month(date)


_request: ContextVar[HttpRequest | None] = ContextVar("date_style_request", default=None)


def current_style() -> str:
    """The signed-in user's DateStyle for the request being answered (和暦 outside a request or before sign-in)."""
    request = _request.get()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return DateStyle.WAREKI
    return getattr(user, "date_style", DateStyle.WAREKI)


class DateStyleMiddleware:
    """Remembers the request while it is answered, so that a date input shows its value as the user reads dates.
    The user is read only when a date input is drawn."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


class DateInput(forms.TextInput):
    """One text input for a date; `data-date-picker` asks app.js for the picker button."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"inputmode": "numeric", "autocomplete": "off", "maxlength": "30", "size": "14",
                "class": "input--date", "data-date-picker": ""}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, dt.date):
            return date_short(value, current_style())
        shown: str | None = super().format_value(value)
        return shown


class DateField(forms.Field):
    """A date typed as text in 和暦 or 西暦 (`rules.wareki`), cleaned to a `datetime.date`; an unreadable or
    impossible date is refused with what was wrong and examples of what is accepted."""

    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", FORMAT_EXAMPLES)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return read_date(str(value), today=timezone.localdate())
        except DateTextError as error:
            raise forms.ValidationError(error.message, code="invalid") from None
