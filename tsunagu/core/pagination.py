"""One page of a list and the list's total in one query.

Django's Paginator counts the rows (one query) and then reads the page (another): for a search both run the whole
filter — the sharing policy's conditions included. Here the page's rows carry the total as a window count
(`COUNT(*) OVER ()`, computed before LIMIT), so a page costs one query; only a page past the end needs the count
alone. The Page and Paginator are Django's own, so templates use them as usual.

For searches, whose filter is the cost. A list read newest-first off an index is better served by Django's
Paginator: its count walks the index, and its page stops after 25 rows, which a window count would not let it do.
"""

from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, QuerySet, Window

M = TypeVar("M", bound=Model)

_TOTAL = "_page_total"


def page_of(qs: QuerySet[M], number: Any, per_page: int) -> Page[M]:
    """Like `Paginator(qs, per_page).get_page(number)`: a bad or too-large number gives the first or last page."""
    paginator = Paginator(qs, per_page)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    if number < 1:  # as get_page does: the last page
        return page_of(qs, max(1, -(-qs.count() // per_page)), per_page)
    rows = list(qs.annotate(**{_TOTAL: Window(Count("pk"))})[(number - 1) * per_page:number * per_page])
    if rows:
        paginator.count = getattr(rows[0], _TOTAL)  # the cached_property, set from the window count
    elif number == 1:
        paginator.count = 0
    else:  # past the end: the last page, as get_page gives
        return page_of(qs, max(1, -(-qs.count() // per_page)), per_page)
    return Page(rows, number, paginator)
