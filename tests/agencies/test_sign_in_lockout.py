"""Sign-in lockout (security review, 法の通りに (2)).

Before: five bad passwords locked any login id, the admin's too, until an admin lifted it — anyone could lock
everyone out — while a locked account's sessions and API tokens kept working. Now failures lock the pair
(login id, client address) for a cool-off, and an admin may lock an account outright, which ends its sessions and
suspends its API tokens until it is unlocked.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.factories import PASSWORD
from tsunagu.agencies.tokens import api_token_issue

pytestmark = pytest.mark.django_db

OFFICE = "192.0.2.10"
ELSEWHERE = "192.0.2.20"
PROXY = "10.0.0.5"


def _login(login_id: str, password: str, address: str = OFFICE, **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    return client, client.post("/login/", {"username": login_id, "password": password})


def _fail(login_id: str, times: int, address: str = OFFICE, **headers) -> None:
    for _ in range(times):
        _login(login_id, "wrong-password", address, **headers)


# ---- failures lock the pair (login id, address), with a cool-off ----

@pytest.mark.parametrize("who", ["alice", "admin_staff"])
def test_five_bad_passwords_from_one_address_do_not_lock_the_login_from_another(who, request, settings):
    staff = request.getfixturevalue(who)
    _fail(staff.login_id, settings.AXES_FAILURE_LIMIT, OFFICE)

    _, from_office = _login(staff.login_id, PASSWORD, OFFICE)
    assert from_office.status_code == 403
    assert "ロックされています" in from_office.content.decode()

    _, from_elsewhere = _login(staff.login_id, PASSWORD, ELSEWHERE)
    assert from_elsewhere.status_code == 302


def test_the_other_logins_at_the_same_address_are_not_locked(alice, bob, settings):
    _fail("alice", settings.AXES_FAILURE_LIMIT, OFFICE)
    assert _login("bob", PASSWORD, OFFICE)[1].status_code == 302


def test_the_cool_off_lifts_the_lock_for_a_worker(alice, settings):
    _fail("alice", settings.AXES_FAILURE_LIMIT, OFFICE)
    assert _login("alice", PASSWORD, OFFICE)[1].status_code == 403

    # Time passes (the attempts are moved back instead of freezing the clock): not yet …
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert _login("alice", PASSWORD, OFFICE)[1].status_code == 403
    # … and after the cool-off, the right password signs in again without an admin.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert _login("alice", PASSWORD, OFFICE)[1].status_code == 302


def test_the_cool_off_is_configured():
    from django.conf import settings

    cool_off = settings.AXES_COOLOFF_TIME
    assert cool_off is not None and cool_off > timedelta(0)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_a_forged_forwarded_header_does_not_move_the_attacker_to_another_address(alice, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login("alice", "wrong-password", OFFICE, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert _login("alice", PASSWORD, OFFICE)[1].status_code == 403


def test_behind_a_trusted_proxy_each_client_address_is_its_own_pair(alice, settings):
    settings.TSUNAGU_TRUSTED_PROXIES = [PROXY]
    _fail("alice", settings.AXES_FAILURE_LIMIT, PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert _login("alice", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66")[1].status_code == 403
    assert _login("alice", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")[1].status_code == 302


def test_the_admin_sees_the_locked_pair_and_lifts_it(alice, admin_staff, client_for, settings):
    _fail("alice", settings.AXES_FAILURE_LIMIT, OFFICE)
    admin = client_for(admin_staff)
    detail = admin.get(f"/admin/staff/{alice.pk}/").content.decode()
    assert OFFICE in detail and "ロックを解除する" in detail
    assert OFFICE in admin.get("/").content.decode()  # the dashboard panel
    admin.post(f"/admin/staff/{alice.pk}/unlock/")
    assert _login("alice", PASSWORD, OFFICE)[1].status_code == 302


# ---- an admin locks an account outright ----

def _signed_in(staff) -> Client:
    client, response = _login(staff.login_id, PASSWORD, ELSEWHERE)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    return client


def _lock(admin_client, staff, reason="不正利用の疑い"):
    return admin_client.post(f"/admin/staff/{staff.pk}/lock/", {"reason": reason})


def test_an_admin_lock_ends_the_accounts_session_at_once(alice, admin_staff, client_for):
    session = _signed_in(alice)
    _lock(client_for(admin_staff), alice)
    response = session.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert session.get("/api/agencies/me").status_code == 401


def test_an_admin_lock_refuses_the_accounts_api_token_until_unlocked(alice, admin_staff, client_for):
    _, key = api_token_issue(staff=alice, name="集計")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert Client().get("/api/agencies/me", **bearer).status_code == 200
    admin = client_for(admin_staff)

    _lock(admin, alice)
    assert Client().get("/api/agencies/me", **bearer).status_code == 401

    admin.post(f"/admin/staff/{alice.pk}/unlock/")
    assert Client().get("/api/agencies/me", **bearer).status_code == 200


def test_a_locked_account_cannot_sign_in_and_is_told_why_only_with_the_right_password(alice, admin_staff, client_for):
    _lock(client_for(admin_staff), alice)
    _, right = _login("alice", PASSWORD, ELSEWHERE)
    assert right.status_code == 200
    assert "システム管理者がこのアカウントをロックしています" in right.content.decode()
    _, wrong = _login("alice", "wrong-password", ELSEWHERE)
    assert "システム管理者がこのアカウントをロックしています" not in wrong.content.decode()


def test_unlocking_lets_the_account_sign_in_again(alice, admin_staff, client_for):
    admin = client_for(admin_staff)
    _lock(admin, alice)
    admin.post(f"/admin/staff/{alice.pk}/unlock/")
    assert _login("alice", PASSWORD, ELSEWHERE)[1].status_code == 302


def test_an_admin_lock_ends_another_admins_session(admin_staff, city_hall, client_for):
    other = factories.staff(city_hall, role="admin", login_id="sysadmin2", name="管理 次郎")
    other_session = client_for(other)
    assert other_session.get("/admin/").status_code == 200
    _lock(client_for(admin_staff), other)
    assert other_session.get("/admin/").status_code == 302


def test_the_admin_cannot_lock_herself(admin_staff, client_for):
    admin = client_for(admin_staff)
    _lock(admin, admin_staff)
    admin_staff.refresh_from_db()
    assert admin_staff.locked_at is None
    assert admin.get("/admin/").status_code == 200


def test_a_lock_needs_a_reason(alice, admin_staff, client_for):
    _lock(client_for(admin_staff), alice, reason="")
    alice.refresh_from_db()
    assert alice.locked_at is None


@pytest.mark.parametrize("who", ["alice", "coordinator"])
def test_only_an_admin_locks(who, request, bob, client_for):
    assert _lock(client_for(request.getfixturevalue(who)), bob).status_code == 404
    bob.refresh_from_db()
    assert bob.locked_at is None


def test_the_lock_and_its_reason_are_shown_to_admins(alice, admin_staff, client_for):
    admin = client_for(admin_staff)
    _lock(admin, alice, reason="パスワード流出の疑い")
    detail = admin.get(f"/admin/staff/{alice.pk}/").content.decode()
    assert "パスワード流出の疑い" in detail and admin_staff.name in detail
    assert alice.login_id in admin.get("/").content.decode()


def test_the_admin_revokes_all_of_a_compromised_accounts_tokens(alice, admin_staff, client_for):
    _, key = api_token_issue(staff=alice, name="集計")
    admin = client_for(admin_staff)
    admin.post(f"/admin/staff/{alice.pk}/tokens/revoke/")
    assert Client().get("/api/agencies/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
