import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.agencies.actor import actor_for
from tsunagu.audit.models import AccessAction, AccessLog, SharingBasis
from tsunagu.audit.services import access_log_record

pytestmark = pytest.mark.django_db


def _log_reads(staff, objects, basis=SharingBasis.OWN_AGENCY):
    return access_log_record(actor=actor_for(staff), reads=[(o, basis, "") for o in objects],
                             action=AccessAction.VIEW, path="/test/")


def test_recording_writes_one_row_per_read_with_its_basis(alice, own_agency, partner_agency):
    assert _log_reads(alice, [own_agency, partner_agency], SharingBasis.CONSENT) == 2
    rows = AccessLog.objects.filter(staff=alice)
    assert {(r.object_type, r.object_id, r.basis, r.agency_id) for r in rows} == {
        ("agencies.agency", str(own_agency.pk), "consent", own_agency.pk),
        ("agencies.agency", str(partner_agency.pk), "consent", own_agency.pk),
    }


def test_many_reads_are_written_in_batches_each_row_with_its_time(alice, own_agency):
    """An export logs thousands of rows: they are written in statements of a few hundred (SQLite's parameter
    limit), every row kept, each stamped with the time of the read."""
    count = 1_201
    assert _log_reads(alice, [own_agency] * count) == count
    rows = AccessLog.objects.filter(staff=alice)
    assert rows.count() == count and not rows.filter(at__isnull=True).exists()
    assert set(rows.values_list("object_id", "path")) == {(str(own_agency.pk), "/test/")}


@pytest.mark.django_db(transaction=True)
def test_a_page_of_reads_is_one_statement_outside_a_transaction(alice, own_agency, partner_agency):
    """Several rows in one INSERT, committed by itself: no BEGIN … COMMIT around it."""
    actor = actor_for(alice)
    reads = [(o, SharingBasis.OWN_AGENCY, "") for o in (own_agency, partner_agency, own_agency)]
    with CaptureQueriesContext(connection) as captured:
        access_log_record(actor=actor, reads=reads, action=AccessAction.VIEW, path="/test/")
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    assert statements == ["INSERT"], statements
    assert AccessLog.objects.filter(staff=alice).count() == 3


def test_a_log_row_can_be_neither_changed_nor_deleted(alice, own_agency):
    _log_reads(alice, [own_agency])
    log = AccessLog.objects.get()
    log.basis = SharingBasis.VITAL_INTEREST
    with pytest.raises(PermissionError):
        log.save()
    with pytest.raises(PermissionError):
        log.delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.filter(pk=log.pk).update(basis="consent")
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().basis == SharingBasis.OWN_AGENCY


def test_admin_searches_the_log_by_basis(alice, bob, admin_staff, own_agency, client_for):
    _log_reads(alice, [own_agency], SharingBasis.OWN_AGENCY)
    _log_reads(bob, [own_agency], SharingBasis.VITAL_INTEREST)
    page = client_for(admin_staff).get("/audit/", {"basis": "vital_interest"}).content.decode()
    assert bob.name in page
    assert alice.name not in page


def test_reversed_date_range_is_explained(admin_staff, client_for):
    page = client_for(admin_staff).get("/audit/", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert "期間の開始日が終了日より後になっています" in page.content.decode()


def test_admin_exports_the_log_as_csv_for_excel(alice, admin_staff, own_agency, client_for):
    _log_reads(alice, [own_agency])
    response = client_for(admin_staff).get("/audit/export.csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff日時,職員")
    assert alice.name in body and "自機関の記録" in body


def test_nobody_else_can_read_or_export_the_log(alice, coordinator, client_for):
    for staff in (alice, coordinator):
        assert client_for(staff).get("/audit/").status_code == 404
        assert client_for(staff).get("/audit/export.csv").status_code == 404


def test_audit_list_query_count_does_not_grow_with_rows(alice, admin_staff, own_agency, client_for):
    from tests.conftest import count_queries

    client = client_for(admin_staff)
    _log_reads(alice, [own_agency])
    with_one = count_queries(client, "/audit/")
    _log_reads(alice, [own_agency, own_agency])
    assert count_queries(client, "/audit/") == with_one
