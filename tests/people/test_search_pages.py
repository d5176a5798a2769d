"""The person search's pages: in ふりがな order off the search index, the total counted up to a cap and only over
the rows the reader may see, next and previous through every page, and each shown row logged."""

import re

import pytest

from tests.sharing.world import actor
from tsunagu.audit.models import AccessAction, AccessLog
from tsunagu.people import services as people
from tsunagu.people import views
from tsunagu.people.models import Person, PersonGram

KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほ"


@pytest.fixture
def tanakas(alice, charlie, monkeypatch):
    """30 田中 persons recorded by alice's agency, in no particular order of ふりがな, and 7 by charlie's; pages of 5,
    counted up to 12."""
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    monkeypatch.setattr(views, "SEARCH_CAP", 12)
    own = [people.person_create(actor=actor(alice), name=f"田中 {i}", kana=f"たなか {KANA[(i * 7) % 30]}{i}")
           for i in range(30)]
    hidden = [people.person_create(actor=actor(charlie), name=f"田中 外{i}", kana=f"たなか {KANA[i]}")
              for i in range(7)]
    return own, hidden


def _rows(html: str) -> list[str]:
    return re.findall(r'<a href="/people/(\d+)/">', html)


def _pages(client, url):
    """Every page from the first, following 次へ; each page's html."""
    pages = []
    while url:
        html = client.get(url).content.decode()
        pages.append(html)
        found = re.search(r'href="\?([^"]*)" rel="next"', html)
        url = "/people/?" + found.group(1).replace("&amp;", "&") if found else None
    return pages


def test_the_pages_give_every_visible_match_once_in_kana_order(tanakas, alice, client_for):
    own, hidden = tanakas
    pages = _pages(client_for(alice), "/people/?q=たなか")
    shown = [int(pk) for html in pages for pk in _rows(html)]
    assert shown == [p.pk for p in sorted(own, key=lambda p: (p.kana, p.pk))]  # none of charlie's
    assert len(pages) == 6


def test_beyond_the_cap_the_total_is_a_floor_and_a_narrower_search_is_invited(tanakas, alice, client_for):
    first = client_for(alice).get("/people/?q=たなか").content.decode()
    assert "1 ページ目（12件以上）" in first and "12件を超えました" in first
    assert "全 30 件" not in first
    last = client_for(alice).get("/people/?q=たなか&page=6").content.decode()
    assert "6 / 6 ページ（全 30 件）" in last and 'rel="prev"' in last and 'rel="next"' not in last


def test_the_total_counts_only_what_the_reader_may_see(tanakas, charlie, client_for):
    """Charlie's agency recorded 7 of the 37 田中: his pages count 7, never the 30 he has no basis for."""
    html = client_for(charlie).get("/people/?q=たなか").content.decode()
    assert "1 / 2 ページ（全 7 件）" in html and "件以上" not in html
    assert len(_rows(html)) == 5


def test_a_page_past_the_end_is_the_last_page(tanakas, charlie, client_for):
    html = client_for(charlie).get("/people/?q=たなか&page=99").content.decode()
    assert "2 / 2 ページ（全 7 件）" in html and len(_rows(html)) == 2


def test_what_is_shown_is_logged_and_nothing_else(tanakas, alice, client_for):
    client_for(alice).get("/people/?q=たなか&page=2")
    logged = AccessLog.objects.filter(action=AccessAction.SEARCH, object_type="people.person")
    own, _ = tanakas
    second = sorted(own, key=lambda p: (p.kana, p.pk))[5:10]
    assert sorted(int(i) for i in logged.values_list("object_id", flat=True)) == sorted(p.pk for p in second)


def test_a_new_reading_moves_the_person_in_the_order(tanakas, alice, client_for):
    own, _ = tanakas
    last = max(own, key=lambda p: (p.kana, p.pk))
    people.person_update(actor=actor(alice), person=last, expected_version=last.version, name=last.name,
                         kana="たなか あ")
    assert set(PersonGram.objects.filter(person=last).values_list("kana", flat=True)) == {"たなか あ"}
    html = client_for(alice).get("/people/?q=たなか").content.decode()
    assert _rows(html)[0] == str(last.pk)


def test_the_whole_list_pages_in_kana_order_with_a_capped_total(tanakas, alice, client_for):
    html = client_for(alice).get("/people/").content.decode()
    first = sorted(Person.objects.filter(agency=alice.memberships.get().agency), key=lambda p: (p.kana, p.pk))[:5]
    assert _rows(html) == [str(p.pk) for p in first]
    assert "12件以上" in html and "氏名・ふりがなで検索してください" in html
