"""Passwords like the login id or the name are refused, on every path that sets one.

Before, UserAttributeSimilarityValidator compared passwords with `username`, `first_name`, `last_name` and
`email`; Staff has `login_id` and `name`, so a password made of the login id was accepted.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from tests import factories
from tests.factories import PASSWORD
from tsunagu.agencies import services
from tsunagu.agencies.models import Staff

pytestmark = pytest.mark.django_db

LOGIN_ID = "hanako.arisugawa"
NAME = "有栖川 花子"
LIKE_LOGIN_ID = "Hanako.Arisugawa1"
LIKE_NAME = "有栖川 花子2026"

TOO_LIKE_LOGIN_ID = "ログインID と似すぎています"
TOO_LIKE_NAME = "氏名 と似すぎています"


@pytest.fixture
def hanako(own_agency):
    return factories.staff(own_agency, login_id=LOGIN_ID, name=NAME)


# ---- staff create (the admin screen and the service) ----

@pytest.mark.parametrize(("password", "said"), [(LOGIN_ID, TOO_LIKE_LOGIN_ID), (LIKE_LOGIN_ID, TOO_LIKE_LOGIN_ID),
                                                (LIKE_NAME, TOO_LIKE_NAME)])
def test_the_staff_create_screen_refuses_a_password_like_the_login_id_or_the_name(password, said, admin_staff, client_for):
    response = client_for(admin_staff).post(
        "/admin/staff/new/", {"login_id": LOGIN_ID, "name": NAME, "password": password, "is_active": "on"}
    )
    assert said in response.content.decode()
    assert not Staff.objects.filter(login_id=LOGIN_ID).exists()


@pytest.mark.parametrize("password", [LOGIN_ID, LIKE_LOGIN_ID, LIKE_NAME])
def test_the_staff_create_service_refuses_it(password):
    with pytest.raises(ValidationError):
        services.staff_create(login_id=LOGIN_ID, name=NAME, password=password)
    assert not Staff.objects.filter(login_id=LOGIN_ID).exists()


@pytest.mark.parametrize("password", [LOGIN_ID, LIKE_NAME])
def test_the_user_manager_refuses_it(password):
    """`createsuperuser --noinput` and any script reach create_user without Django's own check."""
    with pytest.raises(ValidationError):
        Staff.objects.create_user(login_id=LOGIN_ID, password=password, name=NAME)


def test_createsuperuser_without_input_refuses_it(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", LOGIN_ID)
    with pytest.raises(CommandError, match=TOO_LIKE_LOGIN_ID):
        call_command("createsuperuser", interactive=False, login_id=LOGIN_ID, name=NAME, verbosity=0)
    assert not Staff.objects.filter(login_id=LOGIN_ID).exists()


# ---- changing one's own password ----

@pytest.mark.parametrize(("password", "said"), [(LOGIN_ID, TOO_LIKE_LOGIN_ID), (LIKE_LOGIN_ID, TOO_LIKE_LOGIN_ID),
                                                (LIKE_NAME, TOO_LIKE_NAME)])
def test_the_password_change_refuses_it(password, said, hanako, client_for):
    response = client_for(hanako).post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": password, "new_password2": password}
    )
    assert said in response.content.decode()
    hanako.refresh_from_db()
    assert hanako.check_password(PASSWORD)


# ---- the admin setting a new password for someone (after a lock, say) ----

@pytest.mark.parametrize(("password", "said"), [(LOGIN_ID, TOO_LIKE_LOGIN_ID), (LIKE_NAME, TOO_LIKE_NAME)])
def test_the_admins_password_reset_refuses_it(password, said, hanako, admin_staff, client_for):
    response = client_for(admin_staff).post(f"/admin/staff/{hanako.pk}/password/", {"password": password}, follow=True)
    assert said in response.content.decode()
    hanako.refresh_from_db()
    assert hanako.check_password(PASSWORD)


def test_the_set_password_service_refuses_it(hanako):
    with pytest.raises(ValidationError):
        services.staff_set_password(staff=hanako, password=LIKE_NAME)
    hanako.refresh_from_db()
    assert hanako.check_password(PASSWORD)


def test_the_admins_password_reset_sets_a_good_one_and_ends_the_sessions(hanako, admin_staff, client_for):
    session = client_for(hanako)
    assert session.get("/").status_code == 200
    client_for(admin_staff).post(f"/admin/staff/{hanako.pk}/password/", {"password": "a-much-longer-passphrase"})
    hanako.refresh_from_db()
    assert hanako.check_password("a-much-longer-passphrase")
    assert session.get("/").status_code == 302


def test_a_good_password_is_accepted_everywhere(admin_staff, client_for):
    client_for(admin_staff).post(
        "/admin/staff/new/", {"login_id": LOGIN_ID, "name": NAME, "password": "a-much-longer-passphrase",
                              "is_active": "on"}
    )
    assert Staff.objects.get(login_id=LOGIN_ID).check_password("a-much-longer-passphrase")
