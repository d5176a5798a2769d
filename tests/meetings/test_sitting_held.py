"""A sitting is 開催済み only on or after its date: marking one ahead is refused in Japanese, and the yearly figure
(支援会議開催回数) counts only sittings held on or before today."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.core.fiscal import fiscal_year
from tsunagu.meetings import services
from tsunagu.meetings.models import Sitting, SittingStatus
from tsunagu.reports.figures import yearly_figures

pytestmark = pytest.mark.django_db


def test_a_sitting_ahead_of_its_date_cannot_be_marked_held(world, meeting_members):
    dave, _ = meeting_members
    tomorrow = timezone.localdate() + timedelta(days=1)
    sitting = services.sitting_schedule(actor=actor(dave), meeting=world.meeting, held_on=tomorrow)[0]
    with pytest.raises(ValidationError) as refused:
        services.minutes_save(actor=actor(dave), sitting=sitting, expected_version=1, minutes="先に書いておく",
                              status=SittingStatus.HELD)
    assert "より前に「開催済み」にはできません" in refused.value.message_dict["status"][0]
    assert Sitting.objects.get(pk=sitting.pk).status == SittingStatus.PLANNED
    # the minutes may be prepared while it is still 予定, and on the day it is held
    services.minutes_save(actor=actor(dave), sitting=sitting, expected_version=1, minutes="先に書いておく",
                          status=SittingStatus.PLANNED)
    today = services.sitting_schedule(actor=actor(dave), meeting=world.meeting, held_on=timezone.localdate())[0]
    services.minutes_save(actor=actor(dave), sitting=today, expected_version=1, minutes="開催した")
    assert Sitting.objects.get(pk=today.pk).status == SittingStatus.HELD


def test_the_sitting_page_says_why_it_is_not_held(world, meeting_members, client_for):
    dave, _ = meeting_members
    sitting = services.sitting_schedule(actor=actor(dave), meeting=world.meeting,
                                        held_on=timezone.localdate() + timedelta(days=7))[0]
    response = client_for(dave).post(f"/meetings/sittings/{sitting.pk}/", {
        "version": sitting.version, "status": SittingStatus.HELD, "minutes": "", "events": "", "topics": ""})
    assert response.status_code == 200
    assert "より前に「開催済み」にはできません" in response.content.decode()
    assert Sitting.objects.get(pk=sitting.pk).status == SittingStatus.PLANNED


def test_the_yearly_figure_counts_only_sittings_held_by_today(world):
    today = timezone.localdate()
    ahead = today + timedelta(days=1)
    # a row marked 開催済み ahead of its date (as before the refusal, or written elsewhere) is not counted yet
    Sitting.objects.create(meeting=world.meeting, number=1, held_on=ahead, status=SittingStatus.HELD)
    Sitting.objects.create(meeting=world.meeting, number=2, held_on=today, status=SittingStatus.HELD)
    convener = world.meeting.convened_by_id
    counted_today = 1 if fiscal_year(today) == fiscal_year(ahead) else 0
    assert yearly_figures(fiscal_year(ahead)).value("support_meetings", convener) == counted_today
