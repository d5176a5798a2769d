"""The public directory in the visitor's language: an entry's やさしい日本語 description is shown to a visitor reading
in やさしい日本語, and its description to everyone else; each language's page is its own (cached) page."""

import pytest
from django.test import Client

from .helpers import resource

pytestmark = pytest.mark.django_db


def test_an_entry_shows_its_easy_japanese_description_in_easy_japanese(own_agency):
    entry = resource("ふれあい食堂", maintainer=own_agency, visibility="public",
                     description="地域の高齢者を対象とした会食の場を提供しています。",
                     description_easy="おとしよりが いっしょに ごはんを たべる ところです。")
    visitor = Client()
    easy = visitor.get(f"/ja-x-easy/resources/public/{entry.pk}/").content.decode()
    plain = visitor.get(f"/ja/resources/public/{entry.pk}/").content.decode()
    english = visitor.get(f"/en/resources/public/{entry.pk}/").content.decode()
    assert "おとしよりが いっしょに ごはんを たべる ところです。" in easy and "会食の場" not in easy
    assert "会食の場を提供しています。" in plain and "ごはんを たべる" not in plain
    assert "Back to search" in english and "会食の場" in english  # the entry's own words stay as written


def test_the_staff_form_keeps_the_easy_description(client_for, alice, own_agency):
    entry = resource("子ども食堂", maintainer=own_agency, description_easy="こどもが ごはんを たべられます。")
    page = client_for(alice).get(f"/resources/{entry.pk}/edit/").content.decode()
    assert "内容（やさしい日本語）" in page and "こどもが ごはんを たべられます。" in page
