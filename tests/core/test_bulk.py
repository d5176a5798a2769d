"""core.bulk: rows written from ready values (COPY on PostgreSQL, executemany elsewhere) read back as given."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tsunagu.cases.models import Case, CaseNote
from tsunagu.core.bulk import insert_values
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
