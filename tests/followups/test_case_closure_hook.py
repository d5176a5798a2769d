"""The case edit form cannot close a case around the 終結 screen: follow-ups or a written reason come first."""

import pytest
from django.core.exceptions import ValidationError

from tsunagu.agencies.actor import actor_for
from tsunagu.cases import services as cases
from tsunagu.cases.models import CaseStatus
from tsunagu.followups.services import case_close

pytestmark = pytest.mark.django_db


def test_editing_the_status_to_closed_is_refused_without_a_closure(world, alice):
    case, actor = world.case, actor_for(alice)
    with pytest.raises(ValidationError, match="終結する"):
        cases.case_update(actor=actor, case=case, expected_version=case.version, status=CaseStatus.CLOSED)
    case.refresh_from_db()
    assert case.status != CaseStatus.CLOSED


def test_closing_through_the_closure_service_is_allowed(world, alice):
    case, actor = world.case, actor_for(alice)
    case_close(actor=actor, case=case, expected_version=case.version, reason="本人の希望で終了し、地域の見守りにつないだ。")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
