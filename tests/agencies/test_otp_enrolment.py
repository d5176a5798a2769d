"""Enrolling an authenticator: only with no confirmed device yet, or in a session that has passed one.

The attack (security review): after the password alone, a user who has a device opened /account/2fa/setup/, got a
new secret, and its code marked the session as passed — /admin/ and /audit/ followed, one more device each run.
"""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SETUP = "/account/2fa/setup/"


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def _password_only(staff) -> Client:
    client = Client()
    response = client.post("/login/", {"username": staff.login_id, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _devices(staff) -> list[tuple[int, bool]]:
    return list(TOTPDevice.objects.filter(user=staff).order_by("pk").values_list("pk", "confirmed"))


def _is_verified(client: Client) -> bool:
    """The session passed a device: django_otp keeps the device's persistent id in the session."""
    return "otp_device_id" in client.session


def _attack(client: Client, staff) -> None:
    """What the review did: open the setup page, then send a code of whatever unconfirmed secret it handed out."""
    client.get(SETUP)
    for device in TOTPDevice.objects.filter(user=staff, confirmed=False):
        client.post(SETUP, {"token": _code(device)})


@pytest.fixture
def admin_with_device(admin_staff):
    TOTPDevice.objects.create(user=admin_staff, name="認証アプリ", confirmed=True)
    return admin_staff


@pytest.fixture
def alice_with_device(alice):
    TOTPDevice.objects.create(user=alice, name="認証アプリ", confirmed=True)
    return alice


# ---- (1) a user with a confirmed device, password only: the setup page writes nothing and verifies nothing ----

@pytest.mark.parametrize("who", ["admin_with_device", "alice_with_device"])
def test_get_setup_with_a_confirmed_device_sends_to_the_code_page_and_creates_nothing(who, request):
    staff = request.getfixturevalue(who)
    before = _devices(staff)
    client = _password_only(staff)

    response = client.get(SETUP)

    assert response.status_code == 302
    assert response["Location"].startswith("/account/otp/")
    assert _devices(staff) == before
    assert not _is_verified(client)


@pytest.mark.parametrize("who", ["admin_with_device", "alice_with_device"])
def test_post_setup_with_a_confirmed_device_confirms_nothing(who, request):
    staff = request.getfixturevalue(who)
    leftover = TOTPDevice.objects.create(user=staff, name="認証アプリ", confirmed=False)  # e.g. from an earlier run
    before = _devices(staff)
    client = _password_only(staff)

    response = client.post(SETUP, {"token": _code(leftover)})

    assert response.status_code == 302
    assert response["Location"].startswith("/account/otp/")
    assert _devices(staff) == before
    leftover.refresh_from_db()
    assert not leftover.confirmed
    assert not _is_verified(client)


def test_repeated_attacks_leave_no_device_behind(admin_with_device):
    before = _devices(admin_with_device)
    client = _password_only(admin_with_device)
    for _ in range(3):
        _attack(client, admin_with_device)
    assert _devices(admin_with_device) == before
    assert not _is_verified(client)


# ---- (2) such a user reaches only the code page and logout ----

@pytest.mark.parametrize("url", ["/admin/", "/admin/staff/", "/audit/", "/audit/export.csv", "/", "/account/",
                                 "/account/password/", SETUP])
def test_after_the_attack_the_admin_is_still_held_at_the_code_page(admin_with_device, url):
    client = _password_only(admin_with_device)
    _attack(client, admin_with_device)

    response = client.get(url)

    assert response.status_code == 302, f"{url} answered {response.status_code}"
    assert response["Location"].startswith("/account/otp/")
    assert not _is_verified(client)


def test_after_the_attack_the_session_api_is_refused(admin_with_device):
    client = _password_only(admin_with_device)
    _attack(client, admin_with_device)
    assert client.get("/api/cases/").status_code == 401


def test_the_code_page_and_logout_stay_reachable(admin_with_device):
    client = _password_only(admin_with_device)
    assert client.get("/account/otp/").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_device_confirmed_elsewhere_closes_setup_in_a_session_that_started_without_one(admin_staff):
    client = _password_only(admin_staff)
    assert client.get("/")["Location"] == SETUP  # this session found no device
    client.get(SETUP)
    pending = TOTPDevice.objects.get(user=admin_staff, confirmed=False)
    TOTPDevice.objects.create(user=admin_staff, name="別の端末", confirmed=True)  # set up meanwhile in another session

    response = client.post(SETUP, {"token": _code(pending)})

    assert response["Location"].startswith("/account/otp/")
    pending.refresh_from_db()
    assert not pending.confirmed
    assert not _is_verified(client)
    assert client.get("/admin/")["Location"].startswith("/account/otp/")


# ---- (3) a user with no device still enrols ----

def test_admin_without_a_device_enrols_and_reaches_the_admin_screens(admin_staff):
    client = _password_only(admin_staff)
    assert client.get("/admin/")["Location"] == SETUP
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin_staff, confirmed=False)

    wrong = client.post(SETUP, {"token": f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"})
    assert "確認コードが正しくありません" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    client.post(SETUP, {"token": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert _is_verified(client)
    assert client.get("/admin/").status_code == 200


def test_reopening_setup_reuses_the_one_unconfirmed_device(admin_staff):
    client = _password_only(admin_staff)
    for _ in range(3):
        assert client.get(SETUP).status_code == 200
    assert len(_devices(admin_staff)) == 1


def test_leftover_unconfirmed_devices_are_replaced_by_one(admin_staff):
    for _ in range(3):
        TOTPDevice.objects.create(user=admin_staff, name="認証アプリ", confirmed=False)
    client = _password_only(admin_staff)
    assert client.get(SETUP).status_code == 200
    assert [confirmed for _, confirmed in _devices(admin_staff)] == [False]


def test_worker_without_a_device_may_enrol_of_her_own_accord(alice):
    client = _password_only(alice)
    assert client.get("/").status_code == 200
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    client.post(SETUP, {"token": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert _is_verified(client)


# ---- (4) a verified session may add or replace a device ----

def test_verified_admin_adds_a_second_device(admin_with_device):
    first = TOTPDevice.objects.get(user=admin_with_device)
    client = _password_only(admin_with_device)
    client.post("/account/otp/", {"token": _code(first)})
    assert _is_verified(client)

    page = client.get(SETUP)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    new = TOTPDevice.objects.get(user=admin_with_device, confirmed=False)
    client.post(SETUP, {"token": _code(new)})

    new.refresh_from_db()
    assert new.confirmed
    assert TOTPDevice.objects.filter(user=admin_with_device, confirmed=True).count() == 2
    assert client.get("/admin/").status_code == 200


def test_the_code_page_says_why_in_japanese(admin_with_device):
    client = _password_only(admin_with_device)
    page = client.get(SETUP, follow=True)
    assert page.request["PATH_INFO"] == "/account/otp/"
    assert "認証アプリはすでに登録されています" in page.content.decode()


def test_the_setup_view_checks_by_itself_without_the_middleware(admin_with_device, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RequireTwoFactorForAdminsMiddleware")]
    before = _devices(admin_with_device)
    client = _password_only(admin_with_device)
    assert client.get(SETUP)["Location"].startswith("/account/otp/")
    assert client.post(SETUP, {"token": "123456"})["Location"].startswith("/account/otp/")
    assert _devices(admin_with_device) == before


def test_a_secret_is_shown_to_one_session_only(admin_staff):
    first, second = _password_only(admin_staff), _password_only(admin_staff)
    first.get(SETUP)
    firsts = TOTPDevice.objects.get(user=admin_staff, confirmed=False)
    second.get(SETUP)  # replaces the first session's unconfirmed device
    assert [pk for pk, _ in _devices(admin_staff)] != [firsts.pk]
    assert len(_devices(admin_staff)) == 1

    stale = first.post(SETUP, {"token": _code(firsts)})
    assert "新しい QR コードを読み取って" in stale.content.decode()
    assert not _is_verified(first)


def test_the_code_page_returns_to_the_page_asked_for_with_its_query(admin_with_device):
    client = _password_only(admin_with_device)
    response = client.get("/admin/staff/?q=a&page=2")
    assert response["Location"] == "/account/otp/?next=/admin/staff/%3Fq%3Da%26page%3D2"
    device = TOTPDevice.objects.get(user=admin_with_device)
    done = client.post(response["Location"], {"token": _code(device)})
    assert done["Location"] == "/admin/staff/?q=a&page=2"
