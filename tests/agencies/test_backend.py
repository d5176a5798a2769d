"""Who is signed in, read on every request: the staff member with her current memberships, in one query."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.agencies.backends import StaffBackend
from tsunagu.agencies.models import Membership

pytestmark = pytest.mark.django_db


def test_the_staff_member_comes_with_her_current_memberships_in_one_query(alice, partner_agency):
    Membership.objects.create(staff=alice, agency=partner_agency, role="worker", started_on=date(2020, 4, 1),
                              ended_on=date(2024, 3, 31))  # 部署異動: ended, kept on record
    with CaptureQueriesContext(connection) as captured:
        staff = StaffBackend().get_user(alice.pk)
        agencies = [m.agency.name for m in staff.active_memberships]
    assert len(captured) == 1
    assert staff == alice and agencies == ["テスト地域包括支援センター"]
    assert all(m.staff is staff for m in staff.active_memberships)


def test_a_staff_member_without_a_current_membership_is_still_signed_in(alice):
    alice.memberships.update(ended_on=date(2024, 3, 31))
    staff = StaffBackend().get_user(alice.pk)
    assert staff == alice and staff.active_memberships == []


def test_a_deactivated_or_unknown_staff_member_is_signed_out(alice, client_for):
    client = client_for(alice)
    assert client.get("/").status_code == 200
    alice.is_active = False
    alice.save()
    assert StaffBackend().get_user(alice.pk) is None and StaffBackend().get_user(999_999) is None
    assert client.get("/").status_code == 302  # back to the sign-in page
