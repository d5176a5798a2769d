"""The role gates of agencies.permissions, each pinned by who passes it: on a screen behind it, and on the gate
itself. Everyone signed in whom a gate refuses gets 404 (the screen does not say it exists); a visitor without a
session is sent to sign in."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from tests import factories
from tsunagu.agencies.actor import actor_for
from tsunagu.agencies.permissions import (
    admin_required,
    coordinator_required,
    is_planner,
    planner_required,
    staff_required,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "own_manager", "city_worker", "planner", "coordinator", "admin_staff", "former_staff",
            "no_membership"]

# gate → (a screen behind it, the personas it lets through)
GATES = {
    "admin_required": (admin_required, "/admin/", {"admin_staff"}),
    "coordinator_required": (coordinator_required, "/followups/gaps/", {"coordinator"}),
    "planner_required": (planner_required, "/workspace/workshops/", {"planner", "coordinator", "admin_staff"}),
    "staff_required": (staff_required, "/resources/",
                       {"alice", "own_manager", "city_worker", "planner", "coordinator", "admin_staff"}),
}


@pytest.fixture
def city_worker(city_hall):
    return factories.staff(city_hall, login_id="cityworker", name="市役 一郎", job_role="行政職員")


@pytest.fixture
def former_staff(own_agency):
    """Moved away: her only membership has ended."""
    staff = factories.staff(own_agency, login_id="former", name="元職 員子")
    staff.memberships.update(ended_on=datetime.date(2020, 3, 31))
    return staff


@pytest.fixture
def no_membership(db):
    return factories.staff(None, login_id="nobody", name="所属 なし")


def _screen(view):
    return view(lambda request: HttpResponse("ok"))


@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_gate_lets_through_exactly_its_roles(gate, persona, request):
    decorator, _, allowed = GATES[gate]
    staff = request.getfixturevalue(persona)
    web = RequestFactory().get("/")
    web.user, web.actor = staff, actor_for(staff)
    view = _screen(decorator)
    if persona in allowed:
        assert view(web).status_code == 200
    else:
        with pytest.raises(Http404):
            view(web)


@pytest.mark.parametrize("gate", GATES)
def test_each_gate_sends_a_visitor_without_a_session_to_sign_in(gate):
    decorator, _, _ = GATES[gate]
    web = RequestFactory().get("/somewhere/")
    web.user = AnonymousUser()
    response = _screen(decorator)(web)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_screen_behind_each_gate_answers_404_to_everyone_else(gate, persona, request, client_for):
    _, path, allowed = GATES[gate]
    response = client_for(request.getfixturevalue(persona)).get(path)
    assert response.status_code == (200 if persona in allowed else 404)


@pytest.mark.parametrize(("persona", "expected"), [
    ("alice", False), ("own_manager", False), ("city_worker", False), ("planner", True), ("coordinator", True),
    ("admin_staff", True), ("former_staff", False), ("no_membership", False),
])
def test_the_planner_is_a_manager_at_a_municipal_agency_the_coordinator_or_an_admin(persona, expected, request):
    staff = request.getfixturevalue(persona)
    assert is_planner(actor_for(staff)) is expected
