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


@pytest.mark.parametrize("code, words", [
    ("en", ["Keyword", "All areas", "For", "Free only", "Older people and care", "Page 1 of 2", "Next"]),
    ("vi", ["Từ khóa", "Tất cả lĩnh vực", "Chỉ miễn phí", "Thứ Hai", "Trang 1 / 2", "Trang sau"]),
    ("ja-x-easy", ["ことば", "すべての こと", "おかねが かからない ものだけ", "げつようび", "ぜんぶで 31 けん", "つぎへ"]),
])
def test_the_search_form_and_the_entries_tags_speak_the_visitors_language(own_agency, code, words):
    for n in range(31):  # more than a page (30): the page links are in the visitor's language too
        resource(f"見守り活動{n}", maintainer=own_agency, visibility="public", fields=["elderly"])
    page = Client().get(f"/{code}/resources/public/").content.decode()
    assert all(word in page for word in words), [w for w in words if w not in page]
    assert "キーワード" not in page and "すべての分野" not in page and "高齢・介護</span>" not in page
    assert "ページ（全" not in page and "次へ" not in page


def test_staff_read_the_same_form_in_japanese(client_for, alice):
    page = client_for(alice).get("/resources/").content.decode()
    assert "キーワード" in page and "すべての分野" in page and "Keyword" not in page
