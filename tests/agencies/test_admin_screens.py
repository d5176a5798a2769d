import pytest

from tsunagu.agencies.models import Agency, Membership, Staff

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/agencies/", "/admin/agencies/new/", "/admin/staff/", "/admin/staff/new/", "/audit/"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
@pytest.mark.parametrize("persona", ["alice", "coordinator"])
def test_admin_pages_do_not_exist_for_non_admins(path, persona, request, client_for):
    staff = request.getfixturevalue(persona)
    assert client_for(staff).get(path).status_code == 404


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_open_for_the_admin(path, admin_staff, client_for):
    assert client_for(admin_staff).get(path).status_code == 200


def test_agency_without_a_name_is_refused_and_nothing_is_written(admin_staff, client_for):
    before = Agency.objects.count()
    response = client_for(admin_staff).post("/admin/agencies/new/", {"name": "", "kind": "npo", "operation": "direct"})
    assert response.status_code == 200
    assert "このフィールドは必須です" in response.content.decode()
    assert Agency.objects.count() == before


def test_stale_agency_edit_shows_both_versions_and_overwrites_nothing(admin_staff, own_agency, client_for):
    client = client_for(admin_staff)
    form = {"name": own_agency.name, "kind": own_agency.kind, "operation": own_agency.operation,
            "fields": ["elderly"], "active": "on", "version": own_agency.version}
    client.post(f"/admin/agencies/{own_agency.pk}/", {**form, "phone": "0133-11-1111"})
    stale = client.post(f"/admin/agencies/{own_agency.pk}/", {**form, "phone": "0133-22-2222"})
    own_agency.refresh_from_db()
    assert own_agency.phone == "0133-11-1111"
    page = stale.content.decode()
    assert "他の人が保存した最新の内容" in page
    assert "0133-11-1111" in page and "0133-22-2222" in page


def test_weak_initial_password_is_refused(admin_staff, client_for):
    response = client_for(admin_staff).post(
        "/admin/staff/new/", {"login_id": "newbie", "name": "新人 さん", "password": "12345678", "is_active": "on"}
    )
    assert "このパスワードは短すぎます" in response.content.decode()
    assert not Staff.objects.filter(login_id="newbie").exists()


def test_ending_a_membership_keeps_it_on_record(admin_staff, alice, client_for):
    membership = alice.memberships.get()
    client_for(admin_staff).post(f"/admin/memberships/{membership.pk}/end/")
    membership.refresh_from_db()
    assert membership.ended_on is not None
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_admin_adds_a_membership(admin_staff, alice, partner_agency, client_for):
    client_for(admin_staff).post(
        f"/admin/staff/{alice.pk}/memberships/",
        {"m-agency": partner_agency.pk, "m-role": "worker", "m-started_on": "2026-04-01"},
    )
    assert alice.memberships.filter(agency=partner_agency).exists()


def test_staff_list_query_count_does_not_grow_with_staff(admin_staff, own_agency, client_for):
    from tests.conftest import count_queries
    from tests.factories import staff

    client = client_for(admin_staff)
    staff(own_agency)
    with_one = count_queries(client, "/admin/staff/")
    staff(own_agency)
    staff(own_agency)
    assert count_queries(client, "/admin/staff/") == with_one
