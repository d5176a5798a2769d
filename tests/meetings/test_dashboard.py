"""The dashboard's action-item panel: the first six open items, soonest first, and a badge counting every overdue
one; done items leave both."""

import re
from datetime import timedelta

from django.utils import timezone

from tests import factories
from tests.sharing.world import actor
from tsunagu.meetings import services
from tsunagu.meetings.models import ActionStatus, MeetingKind


def _actions(alice, bob, dues):
    a = actor(factories.staff(alice.memberships.get().agency, role="manager"))
    meeting = services.meeting_create(actor=a, kind=MeetingKind.CASE_CONFERENCE, title="ケース会議",
                                      member_agencies=[bob.memberships.get().agency])
    sitting = services.sitting_schedule(actor=a, meeting=meeting, held_on=timezone.localdate())[0]
    return [services.action_add(actor=a, sitting=sitting, description=f"役割{i}", owner_agency=alice.memberships.get().agency,
                                due_on=timezone.localdate() + timedelta(days=d)) for i, d in enumerate(dues)]


def _panel(page: str) -> str:
    return page.split("会議の役割分担", 1)[1].split("</section>", 1)[0]


def test_the_badge_counts_every_overdue_action_while_the_panel_shows_six(alice, bob, client_for):
    actions = _actions(alice, bob, [-9, -8, -7, -6, -5, -4, -3, 2])  # seven overdue, one due in two days
    page = client_for(alice).get("/").content.decode()
    panel = _panel(page)
    assert '会議の役割分担 <span class="badge">7</span>' in page
    assert len(re.findall(r"<li>", panel)) == 6 and "役割0" in panel and "役割7" not in panel
    for action in actions[:7]:
        services.action_update(actor=actor(alice), action=action, expected_version=action.version,
                               status=ActionStatus.DONE, result="済み")
    page = client_for(alice).get("/").content.decode()
    assert "役割7" in _panel(page) and "期限切れ" not in _panel(page)


def test_the_other_member_sees_no_action_it_does_not_own(alice, bob, client_for):
    _actions(alice, bob, [-1])
    assert "未完了の役割分担はありません。" in _panel(client_for(bob).get("/").content.decode())


def test_an_agency_owning_no_open_action_builds_no_condition_of_the_policy(alice, bob, client_for):
    """The panel asks the policy about the agency's own open action items only: with none, no action-item query
    carries its conditions (the agency's id lists of bases)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _actions(alice, bob, [-1])
    client = client_for(bob)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    assert "未完了の役割分担はありません。" in _panel(page)
    on_actions = [q["sql"] for q in queries.captured_queries if 'FROM "meetings_actionitem"' in q["sql"]]
    assert on_actions and not any("EXISTS" in sql for sql in on_actions)
