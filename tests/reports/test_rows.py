"""集計の内訳: every figure opens the rows behind it, through the sharing policy, and the two always agree.

The year of work of test_figures (the seed's household in 令和7年度). The planner (the coordinator's city hall)
holds no basis for any of it: she reads every figure and opens every list, and sees only 「閲覧の根拠がない N 件」.
"""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tests.sharing import world as w
from tests.sharing.conftest import meeting_members, world  # noqa: F401
from tsunagu.audit.models import AccessAction, AccessLog
from tsunagu.cases.models import Compartment, Consultation
from tsunagu.cases.queries import referral_answer_days, referral_answers
from tsunagu.core.fiscal import month_starts
from tsunagu.reports import rows
from tsunagu.reports.figures import FIGURES, figures_changed, sources, yearly_figures
from tsunagu.sharing import policy

from .test_figures import YEAR, _consult, year_of_work  # noqa: F401

pytestmark = pytest.mark.django_db


def test_every_figure_equals_its_row_list_hidden_rows_counted(year_of_work, alice, charlie, coordinator):  # noqa: F811
    own, partner = year_of_work
    table = yearly_figures(YEAR)
    checked = 0
    for reader in (alice, charlie, coordinator):
        actor = w.actor(reader)
        for figure in FIGURES:
            for agency_id in (None, own.pk, partner.pk):
                for month in (None, *month_starts(YEAR)):
                    found = rows.row_list(actor, figure.key, YEAR, agency_id=agency_id, month=month)
                    assert found.value == table.value(figure.key, agency_id, month), (figure.key, agency_id, month)
                    assert found.shown + found.hidden == found.total and found.hidden >= 0
                    assert len(found.lines) == found.shown  # fewer than a page each
                    if not figure.median:
                        checked += found.total
    assert checked > 0


def test_the_median_is_read_from_every_answered_row(year_of_work, charlie):  # noqa: F811
    own, _ = year_of_work
    found = rows.row_list(w.actor(charlie), "answer_days", YEAR, agency_id=own.pk)
    answered = sources(YEAR)["answer_days"].rows
    assert found.total == answered.count() == 2 and found.shown == 0
    assert found.value == referral_answer_days(referral_answers(answered)).median == 2


def test_the_recorder_sees_her_rows_and_the_outsider_only_their_number(year_of_work, alice, charlie):  # noqa: F811
    own, partner = year_of_work
    mine = rows.row_list(w.actor(alice), "consultations", YEAR, path="/reports/rows/consultations/")
    # alice took three; bob's consultation about the household is not hers to see (no basis for bob's row)
    assert mine.total == 4 and mine.shown == 3 and mine.hidden == 1
    assert [line.on for line in mine.lines] == [date(2025, 4, 10), date(2025, 4, 20), date(2026, 3, 31)]
    logged = AccessLog.objects.filter(action=AccessAction.LIST, object_type="cases.consultation")
    assert logged.count() == 3 and {log.basis for log in logged} == {"own_agency"}

    outsider = rows.row_list(w.actor(charlie), "consultations", YEAR)
    assert outsider.shown == 0 and outsider.hidden == 4 and outsider.lines == []

    sittings = rows.row_list(w.actor(alice), "support_meetings", YEAR)
    assert sittings.shown == 1 and sittings.lines[0].subject == "さくら野町支援会議"
    assert rows.row_list(w.actor(charlie), "support_meetings", YEAR).hidden == 1

    persons = rows.row_list(w.actor(alice), "participants", YEAR)
    assert persons.total == 1 and [line.subject for line in persons.lines] == ["高橋 健一"]


def test_the_page_opens_from_a_figure_and_hides_what_has_no_basis(year_of_work, coordinator, alice, client_for):  # noqa: F811
    own, _ = year_of_work
    planner = client_for(coordinator)
    index = planner.get(f"/reports/?year={YEAR}").content.decode()
    assert f'/reports/rows/consultations/?year={YEAR}&amp;month=2025-04' in index
    page = planner.get(f"/reports/rows/consultations/?year={YEAR}&month=2025-04")
    html = page.content.decode()
    assert page.status_code == 200 and "閲覧の根拠がない 2 件" in html and "高橋" not in html
    assert "生活のこと" not in html

    worker = client_for(alice)
    html = worker.get(f"/reports/rows/consultations/?year={YEAR}&month=2025-04").content.decode()
    assert "高橋さん世帯" in html and 'id="rows-hidden">0 件' in html
    assert worker.get(f"/reports/rows/nothing/?year={YEAR}").status_code == 404
    html = worker.get(f"/reports/rows/consultations/?year={YEAR}&month=2024-04").content.decode()
    assert "月はその年度の" in html and 'id="rows-value">3件' in html  # her agency's year


def test_a_worker_opens_her_own_agencys_rows_only(year_of_work, bob, client_for):  # noqa: F811
    own, partner = year_of_work
    html = client_for(bob).get(f"/reports/rows/consultations/?year={YEAR}&agency={own.pk}").content.decode()
    assert f"（令和7年度・年度計・{partner.name}）" in html and 'id="rows-value">1件' in html


def test_the_row_list_exports_to_excel_and_the_export_is_logged(year_of_work, alice, client_for):  # noqa: F811
    own, _ = year_of_work
    response = client_for(alice).get(f"/reports/rows/referrals/export.xlsx?year={YEAR}")
    assert response["Content-Disposition"] == f'attachment; filename="rows-referrals-{YEAR}-{own.pk}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["内訳"]
    assert sheet["A1"].value.startswith("令和7年度 つなぎ件数")
    body = [row for row in sheet.iter_rows(min_row=3, values_only=True) if row and row[0]]
    assert len(body) == 4  # three sent, and the closing line
    assert sheet["A3"].is_date and body[0][2] == "高橋 健一"
    assert "閲覧の根拠がない 0 件" in body[-1][0]
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, object_type="cases.referral").count() == 3


def test_only_signed_in_staff_open_a_row_list(client, year_of_work):  # noqa: F811
    response = client.get(f"/reports/rows/consultations/?year={YEAR}")
    assert response.status_code == 302 and "/login/" in response["Location"]


def _consult_under_council(staff, on: date, household):
    """A consultation taken under the 要保護児童対策地域協議会: the agency that took it sees it only as a member."""
    return Consultation.objects.create(
        agency=staff.memberships.get().agency, staff=staff, received_on=on, route="phone", consulter="self",
        main_complaint="子どものこと", household=household, compartment=Compartment.CHILD_PROTECTION_COUNCIL)


def test_the_shown_count_is_the_policys_own_rows_counted_apart(year_of_work, world, alice, bob, charlie,  # noqa: F811
                                                                coordinator, admin_staff):
    own, partner = year_of_work
    _consult_under_council(alice, date(2025, 4, 15), world.household)  # alice's own, but not hers to see
    for reader in (alice, bob, charlie, coordinator, admin_staff):
        actor = w.actor(reader)
        for key in ("consultations", "referrals", "unanswered_referrals", "plans"):
            for agency_id in (None, own.pk, partner.pk):
                for month in (None, date(2025, 4, 1), date(2025, 7, 1)):
                    cell = rows.cell_rows(sources(YEAR, agency_id=agency_id)[key], agency_id=agency_id, month=month)
                    found = rows.row_list(actor, key, YEAR, agency_id=agency_id, month=month)
                    assert found.shown == policy.visible(cell, actor).count(), (reader, key, agency_id, month)
                    assert found.total == cell.count() and found.shown + found.hidden == found.total
    mine = rows.row_list(w.actor(alice), "consultations", YEAR, agency_id=own.pk, month=date(2025, 4, 1))
    assert mine.total == 3 and mine.shown == 2 and mine.hidden == 1
    assert "子どものこと" not in [line.detail for line in mine.lines]


def _about_the_son(seed, staff, on: date):
    return Consultation.objects.create(agency=staff.memberships.get().agency, staff=staff, received_on=on,
                                       route="phone", consulter="self", main_complaint="仕事のこと", person=seed.son)


def test_the_count_is_kept_until_a_row_or_a_basis_is_written(year_of_work, world, alice, bob):  # noqa: F811
    own, _ = year_of_work
    for on in (date(2025, 5, 1), date(2025, 6, 1)):
        _about_the_son(world, alice, on)  # bob sees these through the son's consent to his agency
    first = rows.row_list(w.actor(bob), "consultations", YEAR, agency_id=own.pk)
    assert first.total == 5 and first.shown == 2 and first.hidden == 3
    with CaptureQueriesContext(connection) as again:
        assert rows.row_list(w.actor(bob), "consultations", YEAR, agency_id=own.pk).shown == 2
    assert not [q for q in again.captured_queries if "COUNT(" in q["sql"].upper()]  # the page's rows only

    taken = _about_the_son(world, alice, date(2025, 7, 1))  # a counted row written
    assert rows.row_list(w.actor(bob), "consultations", YEAR, agency_id=own.pk).shown == 3
    Consultation.objects.filter(pk=taken.pk).update(archived_at=timezone.now())
    figures_changed()  # a write that bypasses the signals says so itself
    assert rows.row_list(w.actor(bob), "consultations", YEAR, agency_id=own.pk).shown == 2
    world.consent.withdrawn_on = timezone.localdate()  # a basis written: bob sees none of them now
    world.consent.save()
    after = rows.row_list(w.actor(bob), "consultations", YEAR, agency_id=own.pk)
    assert after.total == 5 and after.shown == 0 and after.hidden == 5 and after.lines == []


def test_a_long_list_is_read_a_page_at_a_time_and_only_the_page_is_logged(year_of_work, alice):  # noqa: F811
    staff, agency = alice, alice.memberships.get().agency
    Consultation.objects.bulk_create([
        Consultation(agency=agency, staff=staff, received_on=date(2025, 8, 1 + i % 28), route="phone",
                     consulter="self", main_complaint=f"相談 {i}") for i in range(130)])
    figures_changed()
    actor = w.actor(alice)
    first = rows.row_list(actor, "consultations", YEAR, page=1, path="/reports/rows/consultations/")
    assert first.total == 134 and first.shown == 133 and len(first.lines) == rows.PER_PAGE  # bob's not hers
    assert AccessLog.objects.filter(action=AccessAction.LIST).count() == rows.PER_PAGE
    second = rows.row_list(actor, "consultations", YEAR, page=2)
    assert second.page.number == 2 and len(second.lines) == 33 and second.page.paginator.num_pages == 2
    assert [line.on for line in first.lines + second.lines] == sorted(line.on for line in first.lines + second.lines)
    assert rows.row_list(actor, "consultations", YEAR, page=9).page.number == 2  # past the end: the last page
    assert rows.row_list(actor, "consultations", YEAR, page="x").page.number == 1
