"""終結 warns of what is still open on the case — a plan never agreed (作成中) and referrals 依頼中・受理・対応中 — before
the worker confirms; closing is still allowed."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tests.sharing.world import actor
from tsunagu.cases import services as cases
from tsunagu.cases.models import CaseStatus, ReferralStatus
from tsunagu.followups import queries

pytestmark = pytest.mark.django_db

HEADING = "まだ終わっていない支援があります"


def _close_page(client, case) -> str:
    response = client.get(f"/followups/cases/{case.pk}/close/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_close_page_lists_the_open_referral(world, alice, bob, client_for):
    html = _close_page(client_for(alice), world.son_case)
    assert HEADING in html
    assert f"{bob.memberships.get().agency.name}へのつなぎ" in html and "依頼中" in html
    assert f"/cases/referrals/{world.referral.pk}/" in html


def test_the_close_page_lists_the_plan_not_yet_agreed(world, alice, client_for):
    html = _close_page(client_for(alice), world.case)
    assert HEADING in html
    assert "第1版" in html and "本人との合意がまだ記録されていません" in html
    assert f"/cases/plans/{world.plan.pk}/" in html


def test_an_agreed_plan_and_answered_referrals_are_not_open(world, alice, bob):
    cases.plan_agree(actor=actor(alice), plan=world.plan, expected_version=world.plan.version, agreed_by="高橋 清")
    assert not queries.closing_warnings(world.case)
    referral = world.referral
    cases.referral_respond(actor=actor(bob), referral=referral, status=ReferralStatus.ACCEPTED,
                           expected_version=referral.version)
    assert [r.pk for r in queries.closing_warnings(world.son_case).referrals] == [referral.pk]  # 受理: still open
    referral.refresh_from_db()
    cases.referral_respond(actor=actor(bob), referral=referral, status=ReferralStatus.COMPLETED,
                           expected_version=referral.version, comment="サービス利用につながった")
    assert not queries.closing_warnings(world.son_case)


def test_a_case_with_nothing_open_has_no_warning(world, alice, client_for):
    cases.plan_agree(actor=actor(alice), plan=world.plan, expected_version=world.plan.version, agreed_by="高橋 清")
    assert HEADING not in _close_page(client_for(alice), world.case)


def test_the_warning_does_not_stop_the_closing(world, alice, client_for):
    case = world.son_case
    response = client_for(alice).post(f"/followups/cases/{case.pk}/close/", {
        "mode": "reason", "reason": "市外へ転出した", "version": case.version, "closed_on": timezone.localdate()})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_warning_reads_well_in_chromium(page, live_server, world, alice):
    browser_login(page, live_server, "alice")
    page.goto(f"{live_server.url}/followups/cases/{world.son_case.pk}/close/")
    expect(page.get_by_role("heading", name=HEADING)).to_be_visible()
    assert_accessible(page)
