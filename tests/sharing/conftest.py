import pytest

from tests.sharing import world as w


@pytest.fixture
def meeting_members(db):
    return w.meeting_staff()


@pytest.fixture
def world(alice, bob, meeting_members):
    dave, erin = meeting_members
    return w.build(alice, bob, dave, erin)


@pytest.fixture
def personas(alice, bob, meeting_members, charlie, coordinator, admin_staff):
    dave, erin = meeting_members
    return {"own": alice, "consented_partner": bob, "meeting_member": dave, "former_member": erin,
            "outsider": charlie, "coordinator": coordinator, "admin": admin_staff}
