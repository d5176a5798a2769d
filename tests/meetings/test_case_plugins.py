"""The case page's plug-ins: timeline entries from meetings and follow-ups, and the template tags, all limited
to what the actor may see."""

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.followups import services as followups
from tsunagu.followups import timeline as followup_timeline
from tsunagu.meetings import services
from tsunagu.meetings import timeline as meeting_timeline


def _discuss(world, dave):
    sitting = services.sitting_schedule(actor=actor(dave), meeting=world.meeting, held_on=timezone.localdate())[0]
    item = world.meeting.agenda_items.get()
    item.case = world.case
    item.save()
    services.minutes_save(actor=actor(dave), sitting=sitting, expected_version=1, minutes="", discussions={item.pk: "家族会議を提案"})
    services.decision_add(actor=actor(dave), sitting=sitting, text="包括が主担当", agenda_item=item)
    return sitting


def test_meeting_entries_only_for_current_members(world, meeting_members, bob):
    dave, erin = meeting_members
    _discuss(world, dave)
    rows = meeting_timeline.case_entries([world.case.pk], actor(dave))
    assert len(rows) == 1 and "家族会議を提案" in rows[0].body and "決定: 包括が主担当" in rows[0].body
    assert meeting_timeline.case_entries([world.case.pk], actor(erin)) == []
    assert meeting_timeline.case_entries([world.case.pk], actor(bob)) == []  # sees the case, not a member


def test_followup_entries_follow_the_case(world, alice, charlie):
    followups.schedule_create(actor=actor(alice), case=world.case, starts_on=timezone.localdate(), occurrences=2)
    assert len(followup_timeline.case_entries([world.case.pk], actor(alice))) == 2
    assert followup_timeline.case_entries([world.case.pk], actor(charlie)) == []


def test_template_tags_render_for_the_case_page(world, alice):
    request = RequestFactory().get("/")
    request.actor = actor(alice)
    followups.schedule_create(actor=actor(alice), case=world.case, starts_on=timezone.localdate(), occurrences=1)
    html = Template("{% load followups_tags meetings_tags %}{% case_followups case %}{% case_meetings case %}").render(
        Context({"case": world.case, "request": request}))
    assert "フォローアップを予定する" in html and "終結する" in html and "会議にかける" in html
