"""core.bulk: rows written from ready values (COPY on PostgreSQL, executemany elsewhere) read back as given."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction

from tsunagu.cases.models import Case, CaseNote
from tsunagu.core.bulk import foreign_keys_checked_after, insert_values
from tsunagu.people.models import Person

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Tokyo")


def test_values_are_written_in_their_columns_and_the_defaults_fill_the_rest(own_agency, alice):
    person = Person.objects.create(agency=own_agency, name="試験 花子", kana="しけん はなこ")
    case = Case.objects.create(agency=own_agency, lead_agency=own_agency, person=person, title="t",
                               opened_on=date(2026, 4, 1))
    staff = alice
    columns = ("case_id", "agency_id", "staff_id", "written_on", "kind", "body", "compartment", "created_at", "version")
    rows = [(case.pk, case.agency_id, staff.pk, date(2026, 4, i + 1), "電話", f"記録 {i}「引用」\\タブ\t", "",
             datetime(2026, 4, i + 1, 15, tzinfo=TZ), 1) for i in range(7)]

    assert insert_values(CaseNote, columns, iter(rows)) == 7

    notes = list(CaseNote.objects.filter(case=case).order_by("written_on"))
    assert [(n.written_on, n.body, n.created_at, n.archived_at) for n in notes] == [
        (r[3], r[5], r[7], None) for r in rows]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the foreign keys are PostgreSQL's")
def test_foreign_keys_dropped_for_a_load_come_back_and_still_refuse_a_missing_row(own_agency, alice):
    def keys():
        with connection.cursor() as cursor:
            cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE conrelid = 'cases_casenote'::regclass AND contype = 'f' ORDER BY conname")
            return cursor.fetchall()

    before = keys()
    assert len(before) == 3  # case, agency, staff
    with foreign_keys_checked_after(CaseNote):
        assert keys() == []
    assert keys() == before
    with pytest.raises(IntegrityError), transaction.atomic(), foreign_keys_checked_after(CaseNote):
        insert_values(CaseNote, ("case_id", "agency_id", "staff_id", "written_on", "kind", "body", "compartment",
                                 "created_at", "version"), [(999_999, own_agency.pk, alice.pk, date(2026, 4, 1), "", "x", "",
                                               datetime(2026, 4, 1, tzinfo=TZ), 1)])
