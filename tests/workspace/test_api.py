"""/api/workspace/… through the real HTTP API (bearer tokens and sessions), with the pages' permission rules."""

import json

import pytest
from django.test import Client

from tests import factories
from tsunagu.agencies.tokens import api_token_issue
from tsunagu.workspace import services
from tsunagu.workspace.models import RoadmapActivity, TaskInventory, TaskRow, TrialObservation

from .conftest import seed_sheet
from .test_meeting_inventory import _meeting
from .test_network_and_plans import make_referrals
from .test_workshops import SECRET_AFFILIATION, SECRET_NAME, _fill
from .test_workshops import workshop as workshop  # noqa: F401  (the fixture)

API = "/api/workspace"


class Api:
    """A bearer-token client: JSON in, JSON out."""

    def __init__(self, staff):
        _, key = api_token_issue(staff=staff, name="test")
        self.client, self.headers = Client(), {"Authorization": f"Bearer {key}"}

    def get(self, path, **params):
        return self.client.get(f"{API}{path}", params, headers=self.headers)

    def send(self, method, path, body):
        return getattr(self.client, method)(f"{API}{path}", json.dumps(body), content_type="application/json", headers=self.headers)


ACTIVITY = {"fiscal_year": 2026, "step": 2, "title": "業務棚卸表の作成", "start_month": 6, "end_month": 8, "status": "planned"}


@pytest.fixture
def inventory(own_agency, job_roles):
    from tsunagu.workspace.excel import read_inventory_sheet

    return services.task_inventory_import(agency=own_agency, fiscal_year=2026, parsed=read_inventory_sheet(seed_sheet()))


def test_a_request_without_a_token_is_refused(client):
    assert client.get(f"{API}/roadmap").status_code == 401


def test_roadmap_is_read_by_staff_and_written_by_the_planner(planner, alice):
    created = Api(planner).send("post", "/roadmap", ACTIVITY)
    assert created.status_code == 201 and created.json()["step_label"].startswith("STEP2") and created.json()["version"] == 1
    listed = Api(alice).get("/roadmap", year=2026).json()
    assert [a["title"] for a in listed] == ["業務棚卸表の作成"]
    assert Api(alice).send("post", "/roadmap", ACTIVITY).status_code == 404
    assert RoadmapActivity.objects.count() == 1


def test_a_roadmap_activity_ending_before_it_starts_is_refused_in_japanese(planner):
    response = Api(planner).send("post", "/roadmap", {**ACTIVITY, "start_month": 1, "end_month": 4})
    assert response.status_code == 422 and "終了月は開始月と同じか" in response.json()["detail"]
    wrong_link = Api(planner).send("post", "/roadmap", {**ACTIVITY, "workshop_id": 999})
    assert wrong_link.status_code == 422 and not RoadmapActivity.objects.exists()


def test_a_stale_roadmap_update_gets_409_and_overwrites_nothing(planner):
    api = Api(planner)
    activity_id = api.send("post", "/roadmap", ACTIVITY).json()["id"]
    first = api.send("put", f"/roadmap/{activity_id}", {**ACTIVITY, "status": "in_progress", "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api.send("put", f"/roadmap/{activity_id}", {**ACTIVITY, "title": "上書き", "version": 1})
    assert stale.status_code == 409
    assert "他の人が更新しました" in stale.json()["detail"] and stale.json()["current"]["status"] == "in_progress"
    assert RoadmapActivity.objects.get().title == "業務棚卸表の作成"
    assert api.send("put", "/roadmap/99999", {**ACTIVITY, "version": 1}).status_code == 404


def test_inventories_are_seen_by_their_agency_and_the_planner_only(inventory, own_manager, alice, planner, charlie):
    assert [i["id"] for i in Api(own_manager).get("/inventories").json()] == [inventory.pk]
    assert [i["id"] for i in Api(planner).get("/inventories", year=2026).json()] == [inventory.pk]
    assert Api(charlie).get("/inventories").json() == []
    for path in [f"/inventories/{inventory.pk}", f"/inventories/{inventory.pk}/analysis"]:
        assert Api(charlie).get(path).status_code == 404, path
        assert Api(alice).get(path).status_code == 200, path


def test_inventory_detail_carries_the_marks_per_column(inventory, own_manager):
    body = Api(own_manager).get(f"/inventories/{inventory.pk}").json()
    chief = next(c for c in body["columns"] if c["heading"] == "主マネ")
    assert chief["job_role"] == "主任介護支援専門員"
    row = next(r for r in body["rows"] if r["task"] == "訪問スケジュールの調整とアポイントメント")
    assert row["marks"][str(chief["id"])] == "○" and row["category"] == "介護予防ケアマネジメント"


def test_inventory_analysis_figures_and_delegation(inventory, own_manager):
    body = Api(own_manager).get(f"/inventories/{inventory.pk}/analysis").json()
    chief = next(c for c in body["columns"] if c["heading"] == "主マネ")
    assert (chief["own_done"], chief["anyone"], chief["own_not_done"]) == (2, 1, 1) and chief["anyone_share"] == 0.25
    [delegation] = body["delegations"]
    assert delegation["task"] == "訪問スケジュールの調整とアポイントメント"
    assert delegation["professionals"] == ["主任介護支援専門員", "プランナー(専属)"] and "事務員" in delegation["candidates"]


def test_a_cell_changed_by_someone_else_is_not_overwritten(inventory, own_manager, alice):
    row = TaskRow.objects.get(task="介護予防プランの作成")
    column = inventory.columns.get(heading="保健師")
    path = f"/inventories/{inventory.pk}/rows/{row.pk}/cells/{column.pk}"
    api = Api(own_manager)
    assert api.send("put", path, {"mark": "×", "was": ""}).json()["marks"][str(column.pk)] == "×"
    stale = api.send("put", path, {"mark": "○", "was": ""})
    assert stale.status_code == 409 and "他の人が「×」に変更していました" in stale.json()["detail"] and stale.json()["current"] == "×"
    assert api.send("put", path, {"mark": "△", "was": "×"}).status_code == 422
    assert Api(alice).send("put", path, {"mark": "", "was": "×"}).status_code == 404  # a worker reads but does not edit
    row.refresh_from_db()
    assert row.marks[str(column.pk)] == "×"


def test_meeting_rows_for_managers_and_proposals_for_the_planner(own_agency, partner_agency, city_hall, planner, own_manager, alice):
    _meeting(city_hall, [own_agency, partner_agency], "連絡調整会議", "包括と自治体との情報共有")
    _meeting(partner_agency, [own_agency, city_hall], "障がい福祉連絡会", "障害分野の関係機関との情報共有と連携")
    _meeting(own_agency, [city_hall], "包括の定例会", "地域ケア会議の準備", times=1)
    assert len(Api(planner).get("/meeting-inventory", year=2026).json()) == 3
    assert [r["name"] for r in Api(own_manager).get("/meeting-inventory", year=2026).json()] == ["包括の定例会"]
    [proposal] = Api(planner).get("/meeting-inventory/proposals", year=2026).json()
    assert proposal["form"] == "共催" and proposal["hours_saved"] == 162.0
    assert set(proposal["meeting_names"]) == {"連絡調整会議", "障がい福祉連絡会"}
    assert Api(alice).get("/meeting-inventory", year=2026).status_code == 404
    assert Api(own_manager).get("/meeting-inventory/proposals", year=2026).status_code == 404


def test_the_network_is_the_same_as_the_pages(alice, own_agency, partner_agency, planner, client_for):
    make_referrals(alice, own_agency, partner_agency, ["accepted", "declined"])
    from_api = Api(alice).get("/network", year=2026).json()
    from_page = client_for(planner).get("/workspace/design/network.json?year=2026").json()
    assert from_api == from_page
    assert any(e["data"]["type"] == "referral" and e["data"]["count"] == 2 for e in from_api["edges"])


def test_trial_observations_are_created_listed_and_summarised(planner, own_manager):
    api = Api(planner)
    codes = services.trial_codes_ensure_defaults()
    created = api.send("post", "/trial/observations", {"observed_on": "2026-10-05", "heard": "相談支援専門員",
                                                      "event": "ゆっくりでもいいんだと思える", "code_ids": [codes[0].pk]})
    assert created.status_code == 201 and created.json()["code_ids"] == [codes[0].pk]
    bad = api.send("post", "/trial/observations", {"observed_on": "2026-10-05", "heard": "誰か", "event": "x", "code_ids": [999]})
    assert bad.status_code == 422 and "コード" in bad.json()["detail"] and TrialObservation.objects.count() == 1
    assert [o["event"] for o in api.get("/trial/observations").json()] == ["ゆっくりでもいいんだと思える"]
    summary = {c["name"]: c for c in api.get("/trial/codes").json()}
    assert summary["安心できる人・場所"]["count"] == 1 and summary["多分野連携"]["count"] == 0
    assert summary["安心できる人・場所"]["quotes"][0]["event"] == "ゆっくりでもいいんだと思える"
    assert Api(own_manager).get("/trial/observations").status_code == 404
    assert Api(own_manager).send("post", "/trial/observations", {"observed_on": "2026-10-05", "heard": "a", "event": "b"}).status_code == 404


def test_workshop_summaries_never_carry_a_respondents_name_or_affiliation(planner, workshop, own_manager):  # noqa: F811
    _fill(workshop)
    api = Api(planner)
    services.theme_adopt(workshop=workshop, title="共有", area="consultation", terms=["情報共有"],
                         quotes=[{"response": 1, "key": "success_factor", "text": "情報共有のタイミングが早かった"}])
    bodies = [api.get("/workshops").content.decode(), api.get(f"/workshops/{workshop.pk}/summary").content.decode()]
    summary = json.loads(bodies[1])
    answers = next(q for s in summary["sheets"] for q in s["questions"] if q["key"] == "success_factor")["answers"]
    assert "タイムリーに情報共有することができた" in answers and summary["themes"][0]["quotes"] == ["情報共有のタイミングが早かった"]
    for body in bodies:
        assert SECRET_NAME not in body and SECRET_AFFILIATION not in body
        assert "respondent" not in body
    assert Api(own_manager).get(f"/workshops/{workshop.pk}/summary").status_code == 404


def test_the_session_of_the_pages_also_authenticates(client_for, planner):
    response = client_for(planner).post(f"{API}/roadmap", json.dumps(ACTIVITY), content_type="application/json")
    assert response.status_code == 201


def test_malformed_input_is_a_japanese_4xx(planner):
    api = Api(planner)
    assert api.send("post", "/roadmap", {**ACTIVITY, "step": 9}).status_code == 422
    assert "整数" in api.get("/roadmap", year="来年").json()["errors"][0]["message"]
    assert api.get("/inventories/0").status_code == 422


@pytest.mark.parametrize("count", [1, 3])
def test_list_endpoints_queries_do_not_grow(planner, own_agency, django_assert_num_queries, count):
    codes = services.trial_codes_ensure_defaults()
    for i in range(count):
        RoadmapActivity.objects.create(fiscal_year=2026, step=1, title=f"取り組み{i}", start_month=4, end_month=5)
        TaskInventory.objects.create(agency=factories.agency(), fiscal_year=2026 - i)
        _meeting(own_agency, [factories.agency()], f"会議{i}", "情報共有")
        TrialObservation.objects.create(observed_on="2026-10-05", heard="相談員", event=f"出来事{i}").codes.set(codes[:2])
    api = Api(planner)
    api.get("/roadmap")  # the token's first use writes last_used_at
    for path, expected in [("/roadmap", 3), ("/inventories", 3), ("/meeting-inventory", 4), ("/trial/observations", 4),
                           ("/trial/codes", 8)]:
        with django_assert_num_queries(expected):
            assert api.get(path, year=2026).status_code == 200, path
