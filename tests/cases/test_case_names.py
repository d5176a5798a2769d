"""A case's 呼び名 (`Case.name`, `Case.label`): lists, previews, the Excel and the API name a case 「十河さん世帯」,
never by its 主訴 sentence; the worker may change it on the case's edit form."""

from datetime import date, timedelta
from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook

from tests.sharing.world import actor
from tsunagu.cases import services as cases
from tsunagu.cases.models import Case
from tsunagu.followups.models import FollowUp
from tsunagu.meetings.models import AgendaItem
from tsunagu.people import services as people

COMPLAINT = "母親が夜勤で不在がちで、長男が学校に行けていない。家賃の滞納もあり生活が苦しい。"


def _sogo(alice):
    a = actor(alice)
    mother = people.person_create(actor=a, name="十河 恵", kana="そごう めぐみ", birth_date=date(1985, 4, 1), sex="F")
    household = people.household_create(actor=a, name="十河さん世帯", members=[(mother, "", True)])
    return household, cases.case_open(actor=a, household=household, title=COMPLAINT)


def test_a_case_is_named_after_its_household_or_person_unless_given_a_name(alice):
    household, case = _sogo(alice)
    assert case.name == "十河さん世帯" and case.label == "十河さん世帯" and str(case) == "十河さん世帯"
    person = household.members.first().person
    assert cases.case_open(actor=actor(alice), person=person, title=COMPLAINT).label == "十河 恵"
    named = cases.case_open(actor=actor(alice), person=person, title=COMPLAINT, name="恵さん（就労）")
    assert named.label == "恵さん（就労）"


def test_the_case_list_and_its_excel_show_the_name_not_the_complaint(alice, client_for):
    _, case = _sogo(alice)
    client = client_for(alice)
    page = client.get("/cases/").content.decode()
    assert f'<a href="/cases/{case.pk}/">十河さん世帯</a>' in page and COMPLAINT[:20] not in page
    sheet = load_workbook(BytesIO(client.get("/cases/export.xlsx").content)).active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert row[header.index("呼び名")] == "十河さん世帯"
    assert client.get("/cases/", {"q": "十河さん"}).content.decode().count(f"/cases/{case.pk}/") == 1


def test_the_worker_renames_the_case_on_its_edit_form(alice, client_for):
    _, case = _sogo(alice)
    client = client_for(alice)
    assert 'name="name" value="十河さん世帯"' in client.get(f"/cases/{case.pk}/edit/").content.decode()
    response = client.post(f"/cases/{case.pk}/edit/", {"name": "十河さん（長男）", "title": case.title,
                                                        "summary": "", "status": case.status, "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.name == "十河さん（長男）" and case.title == COMPLAINT
    client.post(f"/cases/{case.pk}/edit/", {"name": " ", "title": case.title, "summary": "", "status": case.status,
                                            "version": case.version})
    case.refresh_from_db()
    assert case.name == "十河さん世帯"  # emptied: back to the household's name


def test_referrals_followups_agenda_ecomap_and_api_name_the_case(world, alice, client_for):
    Case.objects.filter(pk=world.case.pk).update(title=COMPLAINT)
    world.referral.person = None
    world.referral.save(update_fields=["person"])
    client = client_for(alice)
    assert "健一さんの就労と生活" not in client.get("/cases/referrals/").content.decode()
    assert "高橋 健一" in client.get("/cases/referrals/").content.decode()  # the son's case is named after him
    FollowUp.objects.create(case=world.case, agency=world.case.agency, staff=alice,
                            due_on=timezone.localdate() + timedelta(days=2), method="phone")
    for url in ("/", "/followups/"):
        page = client.get(url).content.decode()
        assert "高橋さん世帯" in page and COMPLAINT[:20] not in page, url
    AgendaItem.objects.filter(meeting=world.meeting).update(household=None, case=world.case)
    page = client.get(f"/meetings/{world.meeting.pk}/").content.decode()
    assert "高橋さん世帯" in page and COMPLAINT[:20] not in page
    assert COMPLAINT[:20] not in client.get(f"/ecomap/cases/{world.case.pk}/").content.decode()
    assert client.get(f"/api/cases/{world.case.pk}").json()["name"] == "高橋さん世帯"
