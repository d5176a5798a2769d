"""The case list's pages: newest first, the total counted up to a cap and only over the cases the reader may see,
next and previous through every page, and each shown case logged."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.audit.models import AccessAction, AccessLog
from tsunagu.cases import services as cases
from tsunagu.cases import views
from tsunagu.cases.models import Case
from tsunagu.people import services as people


@pytest.fixture
def many_cases(alice, charlie, monkeypatch):
    """14 cases led by alice's agency, 9 by charlie's; pages of 4, counted up to 10."""
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    monkeypatch.setattr(views, "LIST_CAP", 10)
    made = {}
    for staff, n in ((alice, 14), (charlie, 9)):
        a = actor(staff)
        made[staff.pk] = [cases.case_open(actor=a, person=people.person_create(actor=a, name=f"佐藤 {i}", kana="さとう"),
                                          title=f"ケース{i}") for i in range(n)]
    now = timezone.now()
    for i, case in enumerate(made[alice.pk] + made[charlie.pk]):  # distinct times, in no order of the keys
        Case.objects.filter(pk=case.pk).update(updated_at=now - timedelta(minutes=(i * 5) % 23))
    return made


def _rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<a href="/cases/(\d+)/">', html)]


def _newest_first(cases_):
    return [c.pk for c in sorted(Case.objects.filter(pk__in=[c.pk for c in cases_]),
                                 key=lambda c: (c.updated_at, c.pk), reverse=True)]


def test_the_pages_give_every_visible_case_once_newest_first(many_cases, alice, client_for):
    client, url, shown = client_for(alice), "/cases/?status=&mine=on&q=", []
    while url:
        html = client.get(url).content.decode()
        shown += _rows(html)
        found = re.search(r'href="\?([^"]*)" rel="next"', html)
        url = "/cases/?" + found.group(1).replace("&amp;", "&") if found else None
    assert shown == _newest_first(many_cases[alice.pk])


def test_beyond_the_cap_the_total_is_a_floor(many_cases, alice, client_for):
    first = client_for(alice).get("/cases/?mine=on").content.decode()
    assert "1 ページ目（10件以上）" in first and "10件を超えました" in first
    last = client_for(alice).get("/cases/?mine=on&page=4").content.decode()
    assert "4 / 4 ページ（全 14 件）" in last and len(_rows(last)) == 2


def test_the_total_counts_only_the_cases_the_reader_may_see(many_cases, charlie, client_for):
    html = client_for(charlie).get("/cases/").content.decode()
    assert "1 / 3 ページ（全 9 件）" in html and "件以上" not in html
    assert set(_rows(html)) <= {c.pk for c in many_cases[charlie.pk]}


def test_a_page_past_the_end_is_the_last_page(many_cases, charlie, client_for):
    html = client_for(charlie).get("/cases/?page=50").content.decode()
    assert "3 / 3 ページ（全 9 件）" in html and _rows(html) == _newest_first(many_cases[charlie.pk])[8:]


def test_the_shown_cases_are_logged(many_cases, alice, client_for):
    client_for(alice).get("/cases/?mine=on&page=2")
    logged = AccessLog.objects.filter(action=AccessAction.LIST, object_type="cases.case", path="/cases/")
    assert sorted(int(i) for i in logged.values_list("object_id", flat=True)) == sorted(
        _newest_first(many_cases[alice.pk])[4:8])
