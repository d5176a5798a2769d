"""N+1 guards: the meeting list, calendar, actions and the dashboard cost the same with 1 item as with 3."""

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import count_queries
from tests.sharing.world import actor
from tsunagu.meetings import services
from tsunagu.meetings.models import MeetingKind


def _make(alice, bob, n):
    a = actor(factories.staff(alice.memberships.get().agency, role="manager"))
    partner = bob.memberships.get().agency
    for i in range(n):
        meeting = services.meeting_create(actor=a, kind=MeetingKind.CASE_CONFERENCE, title=f"ケース会議{i}", member_agencies=[partner])
        sitting = services.sitting_schedule(actor=a, meeting=meeting, held_on=timezone.localdate())[0]
        services.action_add(actor=a, sitting=sitting, description=f"役割{i}", owner_agency=alice.memberships.get().agency,
                            owner_staff=alice, due_on=timezone.localdate())


@pytest.mark.parametrize("url", ["/meetings/", "/meetings/calendar/", "/meetings/actions/", "/", "/api/meetings/",
                                 "/api/meetings/actions"])
def test_lists_do_not_grow_with_rows(alice, bob, client_for, url):
    client = client_for(alice)
    _make(alice, bob, 1)
    client.get(url)
    one = count_queries(client, url)
    _make(alice, bob, 2)
    client.get(url)  # the new rows changed the sharing bases: the first request rebuilds the agency's Scope
    assert count_queries(client, url) == one
