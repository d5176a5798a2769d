import pytest
from django.utils import timezone

from tests import factories
from tests.sharing.conftest import meeting_members, personas, world  # noqa: F401
from tsunagu.meetings.models import MeetingMember


@pytest.fixture
def convener(own_agency):
    """The manager of alice's agency, which convenes the world's 支援会議: she governs its members and agenda."""
    return factories.staff(own_agency, role="manager", login_id="convener", name="主催 管理子")


def seat(meeting, agency, **extra) -> MeetingMember:
    """A member whose 守秘義務の誓約 is recorded (joined and pledged today unless told): she sits on the meeting."""
    today = timezone.localdate()
    extra.setdefault("joined_on", today)
    extra.setdefault("confidentiality_pledged_on", extra["joined_on"])
    return MeetingMember.objects.create(meeting=meeting, agency=agency, **extra)
