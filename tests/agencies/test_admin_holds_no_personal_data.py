"""管理者は個人情報を持たない (security review, 法の通りに (2)).

The attack: the system administrator gave herself a worker membership in an agency and then read its persons,
and nobody was told. An admin account now cannot hold a membership with a non-admin role, and every membership
change made on the admin screens is shown to the agency's managers and on the audit page.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from tsunagu.agencies import services
from tsunagu.agencies.actor import actor_for
from tsunagu.agencies.models import Membership, MembershipChange, Role

pytestmark = pytest.mark.django_db

REASON = "システム管理者は個人情報を閲覧してはなりません"
SEPARATE_ACCOUNT = "別の職員アカウント"


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.fixture
def manager(own_agency):
    return factories.staff(own_agency, role=Role.MANAGER, login_id="mgr", name="管理職 まもる")


# ---- refused in the service and on the screen ----

@pytest.mark.parametrize("role", [Role.WORKER, Role.MANAGER, Role.COORDINATOR])
def test_admin_adding_herself_an_agency_membership_is_refused_on_the_screen(role, admin_staff, own_agency, client_for):
    response = client_for(admin_staff).post(
        f"/admin/staff/{admin_staff.pk}/memberships/",
        {"m-agency": own_agency.pk, "m-role": role, "m-started_on": "2026-04-01"}, follow=True,
    )
    assert not Membership.objects.filter(staff=admin_staff, agency=own_agency).exists()
    said = _messages(response)
    assert REASON in said and SEPARATE_ACCOUNT in said
    assert not MembershipChange.objects.exists()


@pytest.mark.parametrize("role", [Role.WORKER, Role.MANAGER, Role.COORDINATOR])
def test_the_service_refuses_a_non_admin_membership_for_an_admin_account(role, admin_staff, own_agency):
    with pytest.raises(ValidationError) as refused:
        services.membership_add(staff=admin_staff, agency=own_agency, job_role=None, role=role, by=admin_staff)
    assert REASON in " ".join(refused.value.messages)
    assert not Membership.objects.filter(staff=admin_staff, agency=own_agency).exists()


def test_a_superuser_account_gets_no_agency_membership_either(own_agency):
    root = factories.staff(login_id="root-account", name="root")
    root.is_superuser = True
    root.save()
    with pytest.raises(ValidationError):
        services.membership_add(staff=root, agency=own_agency, job_role=None, role=Role.WORKER, by=None)


def test_a_staff_member_doing_agency_work_is_not_made_an_admin(alice, city_hall, admin_staff, client_for):
    response = client_for(admin_staff).post(
        f"/admin/staff/{alice.pk}/memberships/",
        {"m-agency": city_hall.pk, "m-role": Role.ADMIN, "m-started_on": "2026-04-01"}, follow=True,
    )
    assert not alice.memberships.filter(role=Role.ADMIN).exists()
    assert SEPARATE_ACCOUNT in _messages(response)


def test_an_admin_membership_is_not_turned_into_agency_work(admin_staff, client_for):
    own = admin_staff.memberships.get()
    response = client_for(admin_staff).post(f"/admin/memberships/{own.pk}/role/", {"role": Role.WORKER}, follow=True)
    own.refresh_from_db()
    assert own.role == Role.ADMIN
    assert REASON in _messages(response)


def test_a_second_admin_is_not_given_agency_work_by_the_first(admin_staff, city_hall, own_agency, client_for):
    other_admin = factories.staff(city_hall, role=Role.ADMIN, login_id="sysadmin2", name="管理 次郎")
    client_for(admin_staff).post(
        f"/admin/staff/{other_admin.pk}/memberships/",
        {"m-agency": own_agency.pk, "m-role": Role.WORKER, "m-started_on": "2026-04-01"},
    )
    assert not other_admin.memberships.filter(agency=own_agency).exists()


def test_the_screen_says_why_before_anyone_tries(admin_staff, client_for):
    page = client_for(admin_staff).get(f"/admin/staff/{admin_staff.pk}/").content.decode()
    assert REASON in page


def test_a_separate_staff_account_for_agency_work_is_allowed(admin_staff, own_agency, client_for):
    worker_account = factories.staff(login_id="kanri-gyomu", name="管理 太郎（業務用）")
    client_for(admin_staff).post(
        f"/admin/staff/{worker_account.pk}/memberships/",
        {"m-agency": own_agency.pk, "m-role": Role.WORKER, "m-started_on": "2026-04-01"},
    )
    assert worker_account.memberships.filter(agency=own_agency, role=Role.WORKER).exists()


def test_an_admin_account_already_holding_agency_work_acts_as_admin_only(admin_staff, own_agency):
    """Rows written before this rule (straight into the database) grant nothing: the admin acts as admin."""
    Membership.objects.create(staff=admin_staff, agency=own_agency, role=Role.WORKER)
    admin_staff._active_memberships = None
    actor = actor_for(admin_staff, {})
    assert actor.role == Role.ADMIN and actor.agency_id != own_agency.pk
    worker = admin_staff.memberships.get(agency=own_agency)
    assert actor_for(admin_staff, {"acting_membership_id": worker.pk}).role == Role.ADMIN


def test_switching_an_admin_to_her_agency_work_membership_is_refused(admin_staff, own_agency, client_for):
    client = client_for(admin_staff)
    worker = Membership.objects.create(staff=admin_staff, agency=own_agency, role=Role.WORKER)
    assert client.post("/account/switch-agency/", {"membership": worker.pk}).status_code == 404


@pytest.mark.parametrize("profile", ["town", "city"])
def test_the_demo_gives_no_admin_account_agency_work(profile):
    import random

    from tsunagu.agencies import demo as agencies_demo
    from tsunagu.core.demo import DemoContext

    ctx = DemoContext(profile=profile, seed=2026, today=date(2026, 11, 1), rng=random.Random(2026))
    agencies_demo.generate(ctx)
    admins = Membership.objects.filter(role=Role.ADMIN).values_list("staff_id", flat=True)
    assert admins
    assert not Membership.objects.filter(staff_id__in=admins).exclude(role=Role.ADMIN).exists()


# ---- shown to the agency's managers and on the audit page ----

def _add_worker(client, staff, agency):
    return client.post(f"/admin/staff/{staff.pk}/memberships/",
                       {"m-agency": agency.pk, "m-role": Role.WORKER, "m-started_on": "2026-04-01"})


def test_a_membership_added_by_an_admin_is_shown_to_the_agencys_manager(admin_staff, own_agency, manager, client_for):
    newcomer = factories.staff(login_id="newcomer", name="新任 はるか")
    _add_worker(client_for(admin_staff), newcomer, own_agency)

    dashboard = client_for(manager).get("/").content.decode()
    assert "システム管理者による所属の変更" in dashboard
    assert "新任 はるか" in dashboard and "所属の追加" in dashboard and admin_staff.name in dashboard


def test_a_role_change_and_an_ending_by_an_admin_are_shown_to_the_agencys_manager(admin_staff, alice, manager, client_for):
    admin = client_for(admin_staff)
    membership = alice.memberships.get()
    admin.post(f"/admin/memberships/{membership.pk}/role/", {"role": Role.MANAGER})
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER
    admin.post(f"/admin/memberships/{membership.pk}/end/")

    dashboard = client_for(manager).get("/").content.decode()
    assert "権限の変更" in dashboard and "所属の終了" in dashboard and alice.name in dashboard
    kinds = list(MembershipChange.objects.filter(staff=alice).order_by("at", "pk").values_list("kind", "role_before", "role_after", "by"))
    assert kinds == [("role_changed", "worker", "manager", admin_staff.pk), ("ended", "manager", "", admin_staff.pk)]


def test_another_agencys_manager_and_the_agencys_workers_are_not_shown_it(admin_staff, own_agency, partner_agency, alice, client_for):
    other_manager = factories.staff(partner_agency, role=Role.MANAGER, login_id="partner-mgr")
    newcomer = factories.staff(login_id="newcomer", name="新任 はるか")
    _add_worker(client_for(admin_staff), newcomer, own_agency)
    assert "新任 はるか" not in client_for(other_manager).get("/").content.decode()
    assert "システム管理者による所属の変更" not in client_for(alice).get("/").content.decode()


def test_membership_changes_are_on_the_audit_page(admin_staff, own_agency, client_for):
    admin = client_for(admin_staff)
    newcomer = factories.staff(login_id="newcomer", name="新任 はるか")
    _add_worker(admin, newcomer, own_agency)

    page = admin.get("/audit/").content.decode()
    assert "所属の変更" in page
    assert "新任 はるか" in page and own_agency.name in page and "所属の追加" in page


def test_a_refused_change_records_nothing(admin_staff, own_agency):
    with pytest.raises(ValidationError):
        services.membership_add(staff=admin_staff, agency=own_agency, job_role=None, role=Role.WORKER, by=admin_staff)
    assert not MembershipChange.objects.exists()


def test_membership_changes_are_append_only(admin_staff, own_agency):
    newcomer = factories.staff(login_id="newcomer")
    services.membership_add(staff=newcomer, agency=own_agency, job_role=None, role=Role.WORKER, by=admin_staff)
    change = MembershipChange.objects.get()
    with pytest.raises(PermissionError):
        change.save()
    with pytest.raises(PermissionError):
        MembershipChange.objects.all().delete()
