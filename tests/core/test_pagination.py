"""core.pagination.page_of gives the page and total Django's Paginator gives, in one query."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.agencies.models import Agency
from tsunagu.core.pagination import page_of


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
