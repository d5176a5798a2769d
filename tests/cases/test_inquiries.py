"""The coordinator's 照会 list: each row names what was asked (as typed, or the household when she has a basis
for it herself), when and by whom, and links to act on it — never a record she has no basis for."""

import re
from datetime import timedelta

from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.audit.models import AccessLog
from tsunagu.meetings.models import MeetingMember
from tsunagu.sharing.queries import household_inquiry_text
from tsunagu.sharing.services import inquiry_send


def test_an_intake_inquiry_shows_the_typed_name_the_asker_and_a_way_to_convene(world, charlie, coordinator,
                                                                                 client_for):
    client_for(charlie).post("/cases/intake/inquiry/", {"name": "たかはし けんいち"})
    page = client_for(coordinator).get("/cases/inquiries/").content.decode()
    row = page.split('<tr id="inquiry-', 1)[1].split("</tr>", 1)[0]
    assert "たかはし けんいち" in row and "照会時に入力された氏名" in row
    assert f"{charlie.memberships.get().agency.name}（{charlie.name}）" in row
    charlie_agency, holder = charlie.memberships.get().agency_id, world.son.agency_id
    assert (f"/meetings/new/?kind=support_meeting&amp;member_agencies={charlie_agency}"
            f"&amp;member_agencies={holder}") in row
    assert world.son.name not in page and "/people/" not in row  # no record of the holder's is shown


def test_a_household_request_is_named_only_when_the_coordinator_has_a_basis(world, alice, coordinator, city_hall,
                                                                              client_for):
    inquiry_send(actor=actor(alice), query=household_inquiry_text(world.household), message="支援会議での検討をお願いします。")
    client = client_for(coordinator)
    page = client.get("/cases/inquiries/").content.decode()
    assert f"世帯 #{world.household.pk}" in page and "閲覧の根拠がないため表示しません" in page
    assert world.household.name not in page and f"/people/households/{world.household.pk}/" not in page
    assert not AccessLog.objects.filter(staff=coordinator).exists()
    joined = timezone.localdate() - timedelta(days=1)  # city hall sits on the 支援会議 that has the household
    MeetingMember.objects.create(meeting=world.meeting, agency=city_hall, joined_on=joined,
                                 confidentiality_pledged_on=joined)
    page = client.get("/cases/inquiries/").content.decode()
    assert f'<a href="/people/households/{world.household.pk}/">{world.household.name}</a>' in page
    assert f"/meetings/agenda/add/?household={world.household.pk}" in page
    assert AccessLog.objects.filter(staff=coordinator, object_type="people.household",
                                    object_id=str(world.household.pk)).exists()


def test_convening_from_an_inquiry_opens_the_meeting_form_with_its_agencies(world, charlie, coordinator, client_for):
    agency = charlie.memberships.get().agency
    form = client_for(coordinator).get("/meetings/new/", {"kind": "support_meeting", "member_agencies": agency.pk})
    page = form.content.decode()
    assert re.search(rf'name="member_agencies" value="{agency.pk}" [^>]*checked', page)
    assert '<option value="support_meeting" selected>' in page
