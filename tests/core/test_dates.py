"""core.dates: the one date input (a text read on the server in 和暦 or 西暦) and the filters that show a date in the
user's style."""

import datetime as dt
import zoneinfo

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory

from tsunagu.agencies.actor import actor_for
from tsunagu.core.context_processors import shell
from tsunagu.core.dates import DateField, DateInput, DateStyle

FEB3 = dt.date(2026, 2, 3)


class DueForm(forms.Form):
    due_on = DateField(label="期日")
    maybe_on = DateField(label="見直し", required=False)


@pytest.mark.parametrize("typed", ["R8.2.3", "r8.2.3", "令和8年2月3日", "令和8.2.3", "2026-02-03", "2026/2/3", "Ｒ８．２．３"])
def test_the_field_cleans_what_was_typed_to_a_date(typed):
    form = DueForm({"due_on": typed, "maybe_on": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"due_on": FEB3, "maybe_on": None}


def test_a_bad_date_is_refused_in_japanese_and_kept_as_typed():
    form = DueForm({"due_on": "2月3日ごろ"})
    assert not form.is_valid()
    assert form.errors["due_on"] == ["日付の形式が正しくありません。例: R8.2.3、令和8年2月3日、2026-02-03"]
    assert 'value="2月3日ごろ"' in str(form["due_on"])
    assert "令和の期間外" in DueForm({"due_on": "令和1年1月1日"}).errors["due_on"][0]
    assert DueForm({}).errors["due_on"] == ["このフィールドは必須です。"]


def test_the_input_is_one_text_input_showing_the_date_in_wareki():
    html = str(DueForm(initial={"due_on": FEB3})["due_on"])
    assert 'type="text"' in html
    assert 'inputmode="numeric"' in html
    assert "data-date-picker" in html
    assert 'value="R8.2.3"' in html
    assert 'type="date"' not in html
    assert DateInput().format_value(dt.datetime(2026, 2, 3, 23, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))) == "R8.2.3"


def test_the_field_says_what_it_accepts():
    assert "例: R8.2.3、令和8年2月3日、2026-02-03" in str(DueForm()["due_on"].help_text)


def _render(text: str, style: str, **values) -> str:
    return Template("{% load dates %}" + text).render(Context({"date_style": style, **values}))


@pytest.mark.parametrize(("style", "short", "long", "month"), [
    (DateStyle.WAREKI, "R8.2.3", "令和8年2月3日", "令和8年2月"),
    (DateStyle.SEIREKI, "2026-02-03", "2026年2月3日", "2026年2月"),
    ("", "R8.2.3", "令和8年2月3日", "令和8年2月"),  # no style chosen: 和暦
])
def test_filters_show_a_date_in_the_users_style(style, short, long, month):
    assert _render("{{ d|wareki:date_style }}", style, d=FEB3) == short
    assert _render("{{ d|wareki_long:date_style }}", style, d=FEB3) == long
    assert _render("{{ d|wareki_month:date_style }}", style, d=FEB3) == month


def test_filters_on_datetimes_empty_values_and_iso_text(settings):
    at = dt.datetime(2026, 2, 2, 16, 5, tzinfo=dt.UTC)  # 2026-02-03 01:05 in Tokyo
    assert _render("{{ t|wareki:date_style }}", "wareki", t=at) == "R8.2.3"
    assert _render("{{ t|wareki_time:date_style }}", "wareki", t=at) == "R8.2.3 01:05"
    assert _render("{{ t|wareki_long_time:date_style }}", "seireki", t=at) == "2026年2月3日 01:05"
    assert _render('{{ d|wareki:date_style|default:"未定" }}', "wareki", d=None) == "未定"
    assert _render('{% now "Y-m-d" as today %}{{ today|wareki_long:date_style }}', "wareki").startswith("令和")


def test_the_shell_gives_every_page_the_users_style(alice):
    request = RequestFactory().get("/")
    assert shell(request)["date_style"] == DateStyle.WAREKI
    alice.date_style = DateStyle.SEIREKI
    request.actor = actor_for(alice)
    assert shell(request)["date_style"] == DateStyle.SEIREKI


def test_a_date_input_shows_its_value_as_the_user_reads_dates(client, alice):
    """The intake's 受付日 (today by default) is written in the input as 和暦, or as 西暦 for a user who chose it."""
    from django.urls import reverse
    from django.utils import timezone

    from tsunagu.rules.wareki import wareki_short

    today = timezone.localdate()
    client.force_login(alice)
    url = reverse("cases:intake")
    assert f'value="{wareki_short(today)}"' in client.get(url).content.decode()
    alice.date_style = DateStyle.SEIREKI
    alice.save(update_fields=["date_style"])
    page = client.get(url).content.decode()
    assert f'value="{today.isoformat()}"' in page and f'value="{wareki_short(today)}"' not in page
