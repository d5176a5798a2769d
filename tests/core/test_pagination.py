"""core.pagination: page_of gives the page and total Django's Paginator gives, in one query; capped_page the same
up to a cap, counting no further, and only when there is a next page."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.agencies.models import Agency
from tsunagu.core.pagination import capped_page, page_of


@pytest.fixture
def agencies(db):
    Agency.objects.bulk_create([Agency(name=f"機関{i:02d}", kana=f"きかん{i:02d}") for i in range(23)])
    return Agency.objects.order_by("name", "pk")


@pytest.mark.parametrize("number", [1, 2, 3, "3", 4, 99, 0, -1, "abc", None])
def test_same_page_and_total_as_django(agencies, number):
    ours = page_of(agencies, number, 10)
    django = Paginator(agencies, 10).get_page(number)
    assert ours.number == django.number
    assert list(ours.object_list) == list(django.object_list)
    assert ours.paginator.count == django.paginator.count
    assert ours.paginator.num_pages == django.paginator.num_pages
    assert ours.has_next() == django.has_next()


def test_one_query_for_a_page_and_its_total(agencies):
    with CaptureQueriesContext(connection) as queries:
        page = page_of(agencies, 2, 10)
        shown, total = list(page), page.paginator.count
    assert (len(shown), total) == (10, 23)
    assert len(queries) == 1


def test_an_empty_list(db):
    page = page_of(Agency.objects.filter(name="ない"), 1, 10)
    assert page.paginator.count == 0 and list(page) == [] and page.number == 1


# ---- capped_page: the page read alone, the total counted up to the cap only when there is a next page ----


@pytest.mark.parametrize("number", [1, 2, 3, "3", 99, 0, -1, "abc", None])
def test_capped_page_under_the_cap_is_djangos_page(agencies, number):
    ours = capped_page(agencies, number, 10, cap=100)
    django = Paginator(agencies, 10).get_page(number)
    assert ours.number == django.number
    assert list(ours.object_list) == list(django.object_list)
    assert (ours.paginator.count, ours.paginator.num_pages) == (django.paginator.count, django.paginator.num_pages)
    assert (ours.has_next(), ours.has_previous()) == (django.has_next(), django.has_previous())
    assert not ours.paginator.capped


def test_a_first_page_that_is_not_full_is_its_own_total(agencies):
    with CaptureQueriesContext(connection) as queries:
        page = capped_page(agencies, 1, 30)
        assert page.paginator.count == 23 and len(page) == 23
    assert len(queries) == 1


def test_a_full_page_counts_up_to_the_cap(agencies):
    with CaptureQueriesContext(connection) as queries:
        page = capped_page(agencies, 1, 10, cap=20)
        assert (page.paginator.count, page.paginator.capped) == (21, True)  # more than 20: counted no further
    assert len(queries) == 2
    assert "LIMIT 21" in queries[1]["sql"]
    assert list(page) == list(agencies[:10]) and page.has_next() and not page.has_previous()


def test_capped_pages_go_on_past_the_cap(agencies):
    """Next and previous still work beyond the cap: each page proves the next one by its extra row."""
    numbers, number, seen = [], 1, []
    while True:
        page = capped_page(agencies, number, 5, cap=8)
        numbers.append((page.number, page.paginator.capped))
        seen += list(page)
        if not page.has_next():
            break
        number = page.next_page_number()
    assert seen == list(agencies)
    assert numbers == [(1, True), (2, True), (3, True), (4, True), (5, False)]  # the last page knows its total
    assert page.paginator.count == 23 and page.previous_page_number() == 4


def test_a_capped_page_past_the_end_is_the_last_page(agencies):
    page = capped_page(agencies, 9, 5, cap=8)
    assert page.number == 5 and len(page) == 3 and page.paginator.count == 23 and not page.paginator.capped


def test_a_capped_empty_list(db):
    page = capped_page(Agency.objects.filter(name="ない"), 1, 10)
    assert page.paginator.count == 0 and list(page) == [] and page.number == 1 and not page.has_next()
