"""Pages of a list whose total costs more than its page.

`page_of`: one page of a list and the list's total in one query. Django's Paginator counts the rows (one query) and
then reads the page (another): for a search both run the whole filter — the sharing policy's conditions included.
Here the page's rows carry the total as a window count (`COUNT(*) OVER ()`, computed before LIMIT), so a page costs
one query; only a page past the end needs the count alone. The Page and Paginator are Django's own, so templates use
them as usual. Its cost is every row of the list: fine for a list of one municipality's figures (reports), not for
a search over a 政令市.

`capped_page`: a page whose cost follows the page, not the list. The page is read with one row more than it shows
(is there a next page?), off an index in the list's order where there is one, so the database stops after it. The
total is counted only when that row exists, and only up to `cap` + 1 rows: beyond, the page says 「1,000件以上」 (or
its own cap) and invites a narrower search (`paginator.capped`). A first page that is not full is its own total: no
count at all. Only the rows of `qs` are counted: a list filtered by the sharing policy never counts a hidden row.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, QuerySet, Window

M = TypeVar("M", bound=Model)

_TOTAL = "_page_total"
CAP = 1000


def page_number(number: Any) -> int:
    """The page asked for (a query parameter): 1 when it is not a number."""
    try:
        return int(number)
    except (TypeError, ValueError):
        return 1


def last_page(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def page_of(qs: QuerySet[M], number: Any, per_page: int) -> Page[M]:
    """Like `Paginator(qs, per_page).get_page(number)`: a bad or too-large number gives the first or last page."""
    paginator = Paginator(qs, per_page)
    number = page_number(number)
    if number < 1:  # as get_page does: the last page
        return page_of(qs, last_page(qs.count(), per_page), per_page)
    rows = list(qs.annotate(**{_TOTAL: Window(Count("pk"))})[(number - 1) * per_page:number * per_page])
    if rows:
        paginator.count = getattr(rows[0], _TOTAL)  # the cached_property, set from the window count
    elif number == 1:
        paginator.count = 0
    else:  # past the end: the last page, as get_page gives
        return page_of(qs, last_page(qs.count(), per_page), per_page)
    return Page(rows, number, paginator)


class CappedPaginator(Paginator[M]):
    """Django's Paginator whose `count` may be a floor: with `capped`, the list holds more than `cap` rows (and
    `count` is cap + 1, or the rows up to the page shown if it lies further), so num_pages is no more than what the
    pages seen so far prove."""

    capped = False
    cap = CAP


def capped_page(qs: QuerySet[M], number: Any, per_page: int, *, cap: int = CAP,
                counted: QuerySet[M] | None = None) -> Page[M]:
    """Like `Paginator(qs, per_page).get_page(number)` for a total up to `cap`; beyond, `paginator.capped` and the
    total counted no further. `qs` must be ordered. A page past the end (or a number below 1) gives the last page,
    counted exactly: a rare request that costs the whole list. `counted`: the same rows as `qs` in a query that is
    cheaper to count (the sharing policy's for a search, `policy.search_persons_to_count`)."""
    counted = counted if counted is not None else qs
    number = page_number(number)
    if number < 1:
        return capped_page(qs, last_page(counted.count(), per_page), per_page, cap=cap, counted=counted)
    offset = (number - 1) * per_page
    rows = list(qs[offset:offset + per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not rows and number > 1:  # past the end
        return capped_page(qs, last_page(counted.count(), per_page), per_page, cap=cap, counted=counted)
    paginator = capped_paginator(qs, per_page, cap=cap, offset=offset, shown=len(rows), more=more,
                                 count_up_to=lambda limit: counted.order_by()[:limit + 1].count())
    return Page(rows, number, paginator)


def capped_paginator(object_list: Any, per_page: int, *, cap: int, offset: int, shown: int, more: bool,
                     count_up_to: Callable[[int], int]) -> CappedPaginator[Any]:
    """The paginator of a page read with one row more (`capped_page`, and the 社会資源's ranked search, whose page
    is a list of ids): `shown` rows from `offset`, and `more` when the row beyond them exists. Only then is the list
    counted, by `count_up_to(cap)` — its rows up to cap + 1 — unless the page already lies past the cap."""
    paginator = CappedPaginator(object_list, per_page)
    paginator.cap = cap
    if more:  # how many, up to the cap: the rows of a page further on are known to exist already
        seen = offset + per_page + 1
        total = count_up_to(cap) if seen <= cap else seen
        paginator.count = max(total, seen)
        paginator.capped = paginator.count > cap
    else:  # the last page: its rows end the list
        paginator.count = offset + shown
    return paginator
