import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, login_id: str, password: str):
    return client.post("/login/", {"username": login_id, "password": password})


def test_login_with_right_password_reaches_the_dashboard(alice):
    client = Client()
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "ダッシュボード" in page.content.decode()


def test_login_with_wrong_password_says_so_in_japanese(alice):
    response = _login(Client(), "alice", "wrong-password")
    assert response.status_code == 200
    assert "ログインIDまたはパスワードが正しくありません" in response.content.decode()


def test_anonymous_visitor_is_sent_to_login():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_repeated_failures_lock_the_account_until_an_admin_lifts_it(alice, admin_staff, client_for, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "alice", "wrong-password")
    locked = _login(Client(), "alice", PASSWORD)
    assert locked.status_code == 403
    assert "ロックされています" in locked.content.decode()

    admin = client_for(admin_staff)
    detail = admin.get(f"/admin/staff/{alice.pk}/")
    assert "ロックを解除する" in detail.content.decode()
    admin.post(f"/admin/staff/{alice.pk}/unlock/")

    assert _login(Client(), "alice", PASSWORD).status_code == 302


def test_admin_without_a_device_must_set_up_two_factor(admin_staff):
    client = Client()
    _login(client, admin_staff.login_id, PASSWORD)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/account/2fa/setup/"


def test_admin_with_a_device_passes_with_the_current_code(admin_staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the real setting delays the next try after a failure
    device = TOTPDevice.objects.create(user=admin_staff, name="phone", confirmed=True)
    client = Client()
    _login(client, admin_staff.login_id, PASSWORD)
    assert client.get("/")["Location"].startswith("/account/otp/")

    wrong = client.post("/account/otp/", {"token": f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"})
    assert "確認コードが正しくありません" in wrong.content.decode()

    client.post("/account/otp/", {"token": f"{totp(device.bin_key):06d}"})
    assert client.get("/").status_code == 200


def test_two_factor_setup_confirms_a_new_device(admin_staff):
    client = Client()
    _login(client, admin_staff.login_id, PASSWORD)
    page = client.get("/account/2fa/setup/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin_staff, confirmed=False)
    client.post("/account/2fa/setup/", {"token": f"{totp(device.bin_key):06d}"})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_idle_session_is_signed_out(alice, client_for, settings):
    client = client_for(alice)
    assert client.get("/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get("/").status_code == 302


def test_staff_with_two_agencies_switches_the_acting_agency(alice, partner_agency, client_for):
    from tsunagu.agencies.models import Membership

    second = Membership.objects.create(staff=alice, agency=partner_agency, role="worker")
    client = client_for(alice)
    client.post("/account/switch-agency/", {"membership": second.pk, "next": "/"})
    assert partner_agency.name in client.get("/").content.decode().split("<main")[0]


def test_switching_to_someone_elses_membership_is_refused(alice, bob, client_for):
    bobs = bob.memberships.get()
    response = client_for(alice).post("/account/switch-agency/", {"membership": bobs.pk})
    assert response.status_code == 404


def test_staff_changes_her_password_and_weak_ones_are_refused(alice, client_for):
    client = client_for(alice)
    weak = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "password",
                                              "new_password2": "password"})
    assert "このパスワードは短すぎます" in weak.content.decode()
    client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "a-much-longer-passphrase",
                                       "new_password2": "a-much-longer-passphrase"})
    alice.refresh_from_db()
    assert alice.check_password("a-much-longer-passphrase")


def test_a_wrong_password_is_said_once(alice):
    html = _login(Client(), "alice", "wrong-password").content.decode()
    assert html.count("ログインIDまたはパスワードが正しくありません") == 1
    assert 'role="alert"' in html
