"""会議・研修一覧 and consolidation proposals (J9)."""

import pytest

from tests import factories
from tsunagu.workspace import queries
from tsunagu.workspace.models import MeetingInventory


def _meeting(host, attending, name, purpose, times=12, minutes=90, attendees=10, reporter=None):
    entry = MeetingInventory.objects.create(fiscal_year=2026, reported_by=reporter or host, name=name, purpose=purpose,
                                            audience="相談支援機関", times_per_year=times, basis="municipal", host=host,
                                            minutes=minutes, attendees=attendees)
    entry.attending.set(attending)
    return entry


def test_two_meetings_with_the_same_audience_are_proposed_for_joint_hosting(own_agency, partner_agency, city_hall):
    a = _meeting(city_hall, [own_agency, partner_agency], "連絡調整会議", "包括と自治体との情報共有")
    b = _meeting(partner_agency, [own_agency, city_hall], "障がい福祉連絡会", "障害分野の関係機関との情報共有と連携")
    [proposal] = queries.consolidation_proposals(2026)
    assert {proposal.a, proposal.b} == {a, b}
    assert proposal.form == "共催" and proposal.audience_overlap == 1.0
    # 12 sessions × (10 people × (0.75 h shared agenda + 0.5 h travel) + 1 h preparation)
    assert proposal.hours_saved == 12 * (10 * (0.75 + 0.5) + 1)


def test_near_identical_purposes_are_proposed_for_merging_and_different_ones_for_the_same_day(own_agency, partner_agency, city_hall):
    _meeting(city_hall, [own_agency, partner_agency], "事例検討会", "多角的視点による支援の質向上")
    _meeting(own_agency, [partner_agency, city_hall], "ケース検討会", "多角的視点による支援の質の向上")
    _meeting(own_agency, [partner_agency, city_hall], "防災訓練", "避難所運営の確認", times=12)
    forms = {frozenset((p.a.name, p.b.name)): p.form for p in queries.consolidation_proposals(2026)}
    assert forms[frozenset(("事例検討会", "ケース検討会"))] == "統合"
    assert forms[frozenset(("事例検討会", "防災訓練"))] == "同日同会場で時間をずらして"


def test_different_audiences_or_frequencies_are_not_proposed(own_agency, partner_agency, outsider_agency, city_hall):
    _meeting(city_hall, [own_agency], "会議A", "情報共有")
    _meeting(outsider_agency, [partner_agency], "会議B", "情報共有")
    _meeting(city_hall, [own_agency], "会議C", "情報共有", times=1)
    assert queries.consolidation_proposals(2026) == []


def test_proposals_page_shows_form_and_hours(client_for, planner, own_agency, partner_agency, city_hall):
    _meeting(city_hall, [own_agency, partner_agency], "連絡調整会議", "包括と自治体との情報共有")
    _meeting(partner_agency, [own_agency, city_hall], "障がい福祉連絡会", "障害分野の関係機関との情報共有と連携")
    page = client_for(planner).get("/workspace/meeting-inventory/proposals/?year=2026").content.decode()
    assert "共催" in page and "年 162.0 時間" in page


def test_a_manager_enters_and_sees_only_her_agencys_rows(client_for, own_manager, own_agency, partner_agency, city_hall):
    _meeting(partner_agency, [city_hall], "他機関の会議", "情報共有")
    client = client_for(own_manager)
    response = client.post("/workspace/meeting-inventory/new/", {
        "fiscal_year": 2026, "form": "training", "name": "事例検討会", "purpose": "多角的視点による支援の質向上", "audience": "相談支援関係者",
        "times_per_year": 12, "basis": "voluntary", "host": own_agency.pk, "attending": [partner_agency.pk], "minutes": 90, "attendees": 12})
    assert response.status_code == 302
    entry = MeetingInventory.objects.get(name="事例検討会")
    assert entry.reported_by == own_agency and list(entry.attending.all()) == [partner_agency]
    page = client.get("/workspace/meeting-inventory/?year=2026").content.decode()
    assert "事例検討会" in page and "他機関の会議" not in page
    other = MeetingInventory.objects.get(name="他機関の会議")
    assert client.get(f"/workspace/meeting-inventory/{other.pk}/").status_code == 404
    assert client.get("/workspace/meeting-inventory/proposals/").status_code == 404


def test_workers_outside_management_are_denied(client_for, charlie):
    client = client_for(charlie)
    assert client.get("/workspace/meeting-inventory/").status_code == 404
    assert client.get("/workspace/meeting-inventory/new/").status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_meeting_inventory_queries_do_not_grow(client_for, planner, city_hall, django_assert_num_queries, count):
    for i in range(count):
        _meeting(city_hall, [factories.agency(), factories.agency()], f"会議{i}", "情報共有")
    client = client_for(planner)
    client.get("/workspace/meeting-inventory/?year=2026")
    with django_assert_num_queries(4):
        assert client.get("/workspace/meeting-inventory/?year=2026").status_code == 200
