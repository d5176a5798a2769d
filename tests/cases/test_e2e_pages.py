"""Every page of people/cases, visited in chromium by the persona who uses it: each one axe-clean."""

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tests.sharing.world import actor
from tsunagu.cases import services as cases
from tsunagu.sharing.services import inquiry_send

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_every_worker_page_is_accessible(page, live_server, world, alice):
    consultation = cases.consultation_record(actor=actor(alice), route="phone", consulter="self", person=world.son,
                                             main_complaint="仕事が見つからない", concerns=["job_search"])
    urls = [
        "/people/", "/people/?q=たかはし", f"/people/{world.son.pk}/", f"/people/{world.son.pk}/edit/", "/people/new/",
        "/people/households/new/", f"/people/households/{world.household.pk}/", f"/people/households/{world.household.pk}/edit/",
        "/cases/", "/cases/?status=open&mine=on", f"/cases/{world.case.pk}/", f"/cases/{world.case.pk}/edit/",
        f"/cases/{world.case.pk}/plans/new/", f"/cases/plans/{world.plan.pk}/", f"/cases/plans/{world.plan.pk}/print/",
        f"/cases/consultations/{consultation.pk}/print/", f"/cases/notes/{world.note.pk}/",
        f"/cases/{world.son_case.pk}/referrals/new/", "/cases/referrals/", f"/cases/referrals/{world.referral.pk}/",
        "/cases/notifications/", "/cases/intake/", f"/cases/{world.case.pk}/assessments/new/",
    ]
    browser_login(page, live_server, "alice")
    for url in urls:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        assert_accessible(page)


def test_coordinator_pages_are_accessible(page, live_server, world, charlie, coordinator):
    inquiry_send(actor=actor(charlie), query="たかはし", holder_agency_ids=[world.son.agency_id])
    browser_login(page, live_server, "coord")
    expect(page.get_by_role("heading", name="ダッシュボード", exact=True)).to_be_visible()
    assert_accessible(page)
    for url in ("/cases/referrals/overdue/", "/cases/inquiries/"):
        assert page.goto(f"{live_server.url}{url}").status == 200
        assert_accessible(page)
