"""「会議にかける」 never pre-selects a meeting: both lists (the meetings the actor's agency governs, and those it
proposes to) start with 「選んでください」, and a submission without a choice is refused in Japanese, writing
nothing (issue #17: another household's ケース会議 was pre-selected, with no blank option)."""

import re

import pytest

from tsunagu.meetings.models import AgendaItem, AgendaProposal, MeetingEvent


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, f"no select {name}"
    return re.findall(r"<option[^>]*>[^<]*</option>", select.group(1))


@pytest.mark.parametrize("who, name", [("convener", "meeting"), ("alice", "proposal-meeting")])
def test_the_meeting_list_starts_blank(world, convener, alice, client_for, who, name):
    staff = {"convener": convener, "alice": alice}[who]
    page = client_for(staff).get(f"/meetings/agenda/add/?case={world.son_case.pk}").content.decode()
    options = _options(page, name)
    assert re.fullmatch(r'<option value=""( selected)?>選んでください</option>', options[0])
    assert len(options) == 2 and world.meeting.title in options[1]
    assert not any("selected" in o for o in options[1:])


def test_adding_without_a_meeting_is_refused_and_writes_nothing(world, convener, client_for):
    before = (AgendaItem.objects.count(), MeetingEvent.objects.count())
    response = client_for(convener).post(f"/meetings/agenda/add/?case={world.son_case.pk}",
                                         {"case": world.son_case.pk, "meeting": ""})
    assert response.status_code == 200
    assert "付議する会議を選んでください。" in response.content.decode()
    assert (AgendaItem.objects.count(), MeetingEvent.objects.count()) == before


def test_proposing_without_a_meeting_is_refused_and_writes_nothing(world, alice, client_for):
    before = MeetingEvent.objects.count()
    response = client_for(alice).post(f"/meetings/agenda/add/?case={world.son_case.pk}",
                                      {"case": world.son_case.pk, "propose": "1", "proposal-meeting": "",
                                       "proposal-reason": "就労の相談"})
    assert response.status_code == 200
    assert "提案する会議を選んでください。" in response.content.decode()
    assert not AgendaProposal.objects.exists() and MeetingEvent.objects.count() == before
