"""The navigation offers a screen only to whom its gate lets in (agencies.permissions): no link to a 404."""

import pytest

from tsunagu.agencies.actor import actor_for
from tsunagu.core.navigation import NAV, nav_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["alice", "planner", "coordinator", "admin_staff"])
def test_every_link_in_the_navigation_opens(persona, request, client_for):
    staff = request.getfixturevalue(persona)
    client = client_for(staff)
    for item in nav_for(actor_for(staff), "/"):
        assert client.get(item["url"]).status_code == 200, (persona, item["label"])


@pytest.mark.parametrize(("persona", "shown"), [
    ("alice", set()), ("coordinator", {"制度の狭間", "名寄せ"}), ("admin_staff", {"管理", "閲覧記録"}),
])
def test_the_gated_areas_are_shown_to_their_role_only(persona, shown, request):
    gated = {item.label for item in NAV if item.admin_only or item.coordinator_only}
    labels = {item["label"] for item in nav_for(actor_for(request.getfixturevalue(persona)), "/")}
    assert labels & gated == shown
