"""N+1 guards: the 狭間 list, follow-ups and the dashboard cost the same with 1 item as with 3."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import count_queries
from tests.sharing.world import actor
from tsunagu.cases import services as cases
from tsunagu.followups import services
from tsunagu.people import services as people


def _make(alice, n):
    a = actor(alice)
    for i in range(n):
        person = people.person_create(actor=a, name=f"佐藤 {i}郎", kana=f"さとう {i}")
        household = people.household_create(actor=a, name=f"佐藤さん世帯{i}", members=[(person, "", True)])
        people.household_mark_multi_issue(household=household, fields=["elderly", "poverty"])
        case = cases.case_open(actor=a, person=person, title=f"佐藤ケース{i}")
        services.schedule_create(actor=a, case=case, starts_on=timezone.localdate() - timedelta(days=40), occurrences=3)
        services.outreach_record(actor=a, target=f"気がかりな人{i}", signs="新聞がたまっている", noticed_by="neighbour",
                                 household=household)


@pytest.mark.parametrize("who,url", [("coordinator", "/followups/gaps/"), ("coordinator", "/followups/gaps/outreach/"),
                                     ("coordinator", "/followups/gaps/no_lead/"), ("alice", "/followups/"), ("alice", "/"),
                                     ("coordinator", "/"), ("alice", "/api/followups/")])
def test_lists_do_not_grow_with_rows(alice, coordinator, client_for, who, url):
    client = client_for({"alice": alice, "coordinator": coordinator}[who])
    _make(alice, 1)
    client.get(url)
    one = count_queries(client, url)
    _make(alice, 2)
    client.get(url)  # the new rows changed the sharing bases: the first request rebuilds the agency's Scope
    assert count_queries(client, url) == one
