"""グランドデザイン (the network and the plan), the roadmap and 試行検証."""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from tsunagu.workspace import queries, services
from tsunagu.workspace.models import MeetingInventory, RoadmapActivity, TrialObservation


def make_referrals(sender_staff, from_agency, to_agency, statuses, *, year=2026):
    """Real referrals through the cases models (aggregates only are read by the workspace)."""
    case_model, referral_model = apps.get_model("cases", "Case"), apps.get_model("cases", "Referral")
    household = apps.get_model("people", "Household").objects.create(agency=from_agency, name="架空世帯")
    case = case_model.objects.create(agency=from_agency, lead_agency=from_agency, household=household, title="テスト世帯")
    sent = timezone.make_aware(timezone.datetime(year, 6, 1, 9, 0))
    for i, status in enumerate(statuses):
        sent_at = sent + timedelta(days=i)
        answered = sent_at + timedelta(hours=24) if status != "requested" else None
        referral_model.objects.create(case=case, from_agency=from_agency, to_agency=to_agency, from_staff=sender_staff, reason="理由",
                                      request="依頼", due_on=date(year, 6, 8), status=status, sent_at=sent_at, answered_at=answered)


def test_network_aggregates_referrals_per_agency_pair(alice, own_agency, partner_agency):
    make_referrals(alice, own_agency, partner_agency, ["accepted", "completed", "declined", "requested"])
    graph = queries.network(2026)
    [edge] = [e["data"] for e in graph["edges"] if e["data"]["type"] == "referral"]
    assert edge["source"] == f"a{own_agency.pk}" and edge["target"] == f"a{partner_agency.pk}"
    assert edge["count"] == 4 and edge["acceptance"] == pytest.approx(2 / 3)
    assert edge["answer_days"] == 1 and edge["unanswered"] == 1  # answered the next day; one still waiting
    assert queries.network(2025)["edges"] == []


def test_network_answer_days_are_calendar_days_in_the_municipalitys_time_zone(alice, own_agency, partner_agency):
    """23:30 to 00:30 the next night is one day (in UTC both are the same day); the median of 1 and 2 days is 1.5; one
    cancelled before any answer is neither answered nor waiting."""
    from zoneinfo import ZoneInfo

    case_model, referral_model = apps.get_model("cases", "Case"), apps.get_model("cases", "Referral")
    household = apps.get_model("people", "Household").objects.create(agency=own_agency, name="架空世帯")
    case = case_model.objects.create(agency=own_agency, lead_agency=own_agency, household=household, title="テスト世帯")
    jst = ZoneInfo("Asia/Tokyo")
    for sent, answered, status in [((6, 1, 23, 30), (6, 2, 0, 30), "accepted"), ((6, 3, 9, 0), (6, 5, 8, 0), "declined"),
                                   ((6, 4, 9, 0), None, "cancelled"), ((6, 5, 9, 0), None, "requested")]:
        referral_model.objects.create(
            case=case, from_agency=own_agency, to_agency=partner_agency, from_staff=alice, reason="理由", request="依頼",
            due_on=date(2026, 6, 8), status=status, sent_at=timezone.datetime(2026, *sent, tzinfo=jst),
            answered_at=timezone.datetime(2026, *answered, tzinfo=jst) if answered else None)
    [edge] = [e["data"] for e in queries.network(2026)["edges"] if e["data"]["type"] == "referral"]
    assert edge["count"] == 4 and edge["acceptance"] == pytest.approx(1 / 2)
    assert edge["answer_days"] == 1.5 and edge["unanswered"] == 1


def test_network_carries_no_personal_data(alice, own_agency, partner_agency, client_for, planner):
    make_referrals(alice, own_agency, partner_agency, ["accepted"])
    body = client_for(planner).get("/workspace/design/network.json?year=2026").content.decode()
    for forbidden in ["テスト世帯", "架空世帯", alice.name, "理由", "依頼"]:
        assert forbidden not in body


def test_shared_meetings_link_agencies(own_agency, partner_agency, city_hall):
    entry = MeetingInventory.objects.create(fiscal_year=2026, reported_by=city_hall, name="連絡会", purpose="共有", times_per_year=12,
                                            basis="municipal", host=city_hall)
    entry.attending.set([own_agency, partner_agency])
    pairs, total = queries.shared_meetings(2026)
    assert sorted(pairs.values()) == [1, 1, 1] and total == 3
    assert {e["data"]["type"] for e in queries.network(2026)["edges"]} == {"meeting"}


def test_shared_meetings_count_an_entry_reported_twice_once_and_only_the_year_asked(own_agency, partner_agency, outsider_agency,
                                                                                    city_hall):
    def entry(year, name, attending, reported_by=city_hall):
        e = MeetingInventory.objects.create(fiscal_year=year, reported_by=reported_by, name=name, purpose="共有", times_per_year=4,
                                            basis="municipal", host=city_hall)
        e.attending.set(attending)

    entry(2026, "連絡会", [own_agency, partner_agency])
    entry(2026, "連絡会", [own_agency, partner_agency], reported_by=own_agency)  # the same meeting, reported by an attendee
    entry(2026, "事例検討会", [own_agency])
    entry(2025, "前年度の会議", [outsider_agency, partner_agency])
    pairs, _ = queries.shared_meetings(2026)
    key = tuple(sorted((own_agency.pk, city_hall.pk)))
    assert pairs[key] == 2  # 連絡会 once, 事例検討会 once
    assert pairs[tuple(sorted((own_agency.pk, partner_agency.pk)))] == 1
    assert not any(outsider_agency.pk in pair for pair in pairs)


def test_layers_follow_the_agency_kind(own_agency, outsider_agency):
    from tests import factories

    assert queries.layer_of(own_agency) == "consultation"
    assert queries.layer_of(factories.agency(kind="hub")) == "participation"
    assert queries.layer_of(factories.agency(kind="social_welfare_council")) == "community"


def test_roadmap_and_design_are_open_to_staff_but_edited_by_the_planner(client_for, charlie, planner, city_hall):
    client = client_for(planner)
    response = client.post("/workspace/roadmap/new/", {"fiscal_year": 2026, "step": 2, "title": "業務棚卸表の作成", "start_month": 6,
                                                        "end_month": 8, "status": "planned", "order": 1})
    assert response.status_code == 302
    bad = client.post("/workspace/roadmap/new/", {"fiscal_year": 2026, "step": 2, "title": "逆", "start_month": 1, "end_month": 4,
                                                  "status": "planned", "order": 1})
    assert "終了月は開始月と同じか" in bad.content.decode() and RoadmapActivity.objects.count() == 1
    client.post("/workspace/design/items/new/?year=2026", {"section": "support_flow", "title": "狭間のケースへの対応の検討", "owner": city_hall.pk,
                                                           "review_on": "2027-03-15", "status": "planned", "order": 1})
    outsider = client_for(charlie)
    assert "業務棚卸表の作成" in outsider.get("/workspace/roadmap/?year=2026").content.decode()
    assert "狭間のケースへの対応の検討" in outsider.get("/workspace/design/?year=2026").content.decode()
    for path in ["/workspace/roadmap/new/", "/workspace/design/items/new/", "/workspace/trial/"]:
        assert outsider.get(path).status_code == 404, path


def test_anonymous_visitors_are_sent_to_login(client):
    for path in ["/workspace/", "/workspace/roadmap/", "/workspace/design/", "/workspace/design/network.json", "/workspace/inventories/"]:
        assert client.get(path).status_code == 302, path


def test_trial_observations_are_coded_and_summarised_with_quotes(client_for, planner):
    codes = services.trial_codes_ensure_defaults()
    assert [c.name for c in codes] == ["安心できる人・場所", "多分野連携", "地域とのつながり", "他事業への助言", "相談員の資質向上・メンタルケア"]
    client = client_for(planner)
    client.post("/workspace/trial/", {"observed_on": "2026-10-05", "heard": "相談支援専門員", "event": "ゆっくりでもいいんだと思える",
                                      "effect": "安心感", "codes": [codes[0].pk]})
    assert TrialObservation.objects.get().codes.get() == codes[0]
    page = client.get("/workspace/trial/").content.decode()
    assert "a) 安心できる人・場所（1件）" in page and "ゆっくりでもいいんだと思える" in page
    client.post("/workspace/trial/codes/new/", {"label": "f", "name": "家族の変化", "active": "on", "order": 9})
    assert "f) 家族の変化（0件）" in client.get("/workspace/trial/").content.decode()
