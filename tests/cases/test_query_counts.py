"""N+1 guards: each list costs the same number of queries with 1 item as with 3."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.cases import services as cases
from tsunagu.people import services as people
from tsunagu.sharing import policy


def _make(alice, bob, n):
    a = actor(alice)
    for i in range(n):
        person = people.person_create(actor=a, name=f"佐藤 {i}郎", kana=f"さとう {i}")
        household = people.household_create(actor=a, name=f"佐藤さん世帯{i}", members=[(person, "", True)])
        case = cases.case_open(actor=a, person=person, title=f"佐藤ケース{i}")
        cases.case_open(actor=a, household=household, title=f"佐藤世帯ケース{i}")
        target = bob.memberships.get().agency
        from tsunagu.sharing.services import consent_record
        consent_record(actor=a, person=person, agencies=[target])
        cases.referral_send(actor=a, case=case, person=person, to_agency=target, reason="理由", request="依頼",
                            due_on=timezone.localdate() + timedelta(days=3), receiver_access=policy.agency_may_see(target, person))


URLS = ["/people/?q=さとう", "/people/", "/cases/", "/cases/?status=open&mine=on", "/cases/referrals/",
        "/cases/export.xlsx", "/api/people/?q=さとう", "/api/cases/", "/api/cases/referrals"]


@pytest.mark.parametrize("url", URLS)
def test_list_queries_do_not_grow_with_rows(alice, bob, client_for, url, django_assert_num_queries):
    client = client_for(alice)
    _make(alice, bob, 1)
    client.get(url)  # warm the session and the per-process caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    expected = len(one)  # now: the next request clears the connection's query log
    _make(alice, bob, 2)
    client.get(url)  # the writes changed the sharing token: the next request rebuilds the agency's Scope once
    with django_assert_num_queries(expected):
        client.get(url)


@pytest.mark.parametrize("url", ["/cases/referrals/overdue/", "/cases/inquiries/", "/cases/notifications/"])
def test_coordinator_and_notice_lists_do_not_grow(alice, bob, coordinator, client_for, url, django_assert_num_queries):
    from tsunagu.cases.models import Referral
    from tsunagu.sharing.services import inquiry_send

    def more(n):
        _make(alice, bob, n)
        Referral.objects.update(due_on=timezone.localdate() - timedelta(days=1))
        for _ in range(n):
            inquiry_send(actor=actor(alice), query="さとう", holder_agency_ids=[bob.memberships.get().agency_id])

    client = client_for(coordinator if "notifications" not in url else bob)
    more(1)
    client.get("/")  # warm up elsewhere: opening the notices marks them read
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    expected = len(one)  # now: the next request clears the connection's query log
    more(2)
    client.get("/")
    with django_assert_num_queries(expected):
        client.get(url)
