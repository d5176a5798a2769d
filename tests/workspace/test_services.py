"""The workspace's writes, in its services: who may make each, one transaction each, and a refusal in Japanese."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.sharing.world import actor
from tests.workspace.conftest import seed_sheet
from tsunagu.agencies.models import JobRole
from tsunagu.core.locking import EditConflict
from tsunagu.workspace import services
from tsunagu.workspace.excel import read_inventory_sheet
from tsunagu.workspace.models import (
    DesignItem,
    GrandDesign,
    MeetingInventory,
    RoadmapActivity,
    Theme,
    TimeUse,
    TrialCode,
    WorksheetTemplate,
    Workshop,
    WorkshopInvitation,
)


@pytest.fixture
def workshop(db, own_agency):
    w = Workshop.objects.create(fiscal_year=2026, series_no=1, title="重層的支援体制の研修", held_on=date(2026, 8, 21))
    services.workshop_invitations_set(workshop=w, agencies=[own_agency])
    return w


def test_a_worker_writes_nothing_a_planner_keeps(alice, workshop):
    worker = actor(alice)
    writes = [
        lambda: services.roadmap_activity_save(actor=worker, activity=RoadmapActivity(fiscal_year=2026, step=1, title="x"),
                                               data={"title": "x"}),
        lambda: services.workshop_replies_set(actor=worker, workshop=workshop, replies={}),
        lambda: services.design_item_save(actor=worker, item=DesignItem(section="community", title="x"), fiscal_year=2026),
        lambda: services.trial_code_save(actor=worker, code=TrialCode(label="z", name="新しい所見")),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied, match="計画担当"):
            write()
    assert not RoadmapActivity.objects.exists() and not GrandDesign.objects.exists() and not TrialCode.objects.exists()


def test_a_manager_keeps_only_her_own_agencys_inventory_rows(own_manager, partner_agency, alice):
    own, others = (MeetingInventory(fiscal_year=2026, name=name, reported_by_id=agency, host_id=agency, times_per_year=12)
                   for name, agency in [("包括の定例会議", own_manager.memberships.get().agency_id),
                                        ("他機関の会議", partner_agency.pk)])
    services.meeting_inventory_save(actor=actor(own_manager), entry=own, data={"name": own.name})
    for who, entry in [(own_manager, others), (alice, MeetingInventory(fiscal_year=2026, name="x", reported_by_id=own.reported_by_id, times_per_year=1))]:
        with pytest.raises(PermissionDenied, match="その機関の管理者か計画担当"):
            services.meeting_inventory_save(actor=actor(who), entry=entry, data={"name": entry.name})
    assert list(MeetingInventory.objects.values_list("name", flat=True)) == ["包括の定例会議"]


def test_a_workshop_saved_over_a_newer_version_changes_neither_it_nor_its_invitations(planner, workshop, partner_agency):
    edited = Workshop.objects.get()
    edited.title = "新しい題"  # as the form sets it
    services.workshop_save(actor=actor(planner), workshop=edited, data={"title": edited.title}, invited=[partner_agency],
                           program=[], expected_version=1)
    stale = Workshop.objects.get()
    stale.title = "古い画面から"
    with pytest.raises(EditConflict):
        services.workshop_save(actor=actor(planner), workshop=stale, data={"title": stale.title}, invited=[],
                               program=[], expected_version=1)
    assert Workshop.objects.get().title == "新しい題"
    assert list(WorkshopInvitation.objects.values_list("agency", flat=True)) == [partner_agency.pk]


def test_replies_are_one_of_the_three_and_a_count(planner, workshop):
    invitation = workshop.invitations.get()
    services.workshop_replies_set(actor=actor(planner), workshop=workshop, replies={invitation.pk: ("attending", 3)})
    with pytest.raises(ValidationError, match="未回答・出席・欠席"):
        services.workshop_replies_set(actor=actor(planner), workshop=workshop, replies={invitation.pk: ("maybe", 1)})
    invitation.refresh_from_db()
    assert (invitation.reply, invitation.attendees) == ("attending", 3)


def test_a_theme_keeps_the_quotes_chosen_by_their_place(planner, workshop):
    theme = services.theme_adopt(workshop=workshop, title="共有", area="consultation", terms=["共有"],
                                 quotes=[{"text": "一"}, {"text": "二"}, {"text": "三"}])
    services.theme_update(actor=actor(planner), theme=theme, title="情報共有", area="participation", keep={0, 2})
    theme.refresh_from_db()
    assert (theme.title, theme.area, [q["text"] for q in theme.quotes]) == ("情報共有", "participation", ["一", "三"])
    services.theme_remove(actor=actor(planner), theme=theme)
    assert not Theme.objects.exists()


def test_a_worksheets_questions_refused_on_their_field(planner):
    with pytest.raises(ValidationError) as refused:
        services.worksheet_template_save(actor=actor(planner), template=WorksheetTemplate(name="空"), questions_text=" ",
                                         expected_version=None)
    assert refused.value.message_dict == {"questions_text": ["設問を1行に1つずつ書いてください。"]}


def test_the_design_of_a_year_is_made_with_its_first_item_not_by_opening_the_form(planner, client_for):
    client = client_for(planner)
    assert client.get("/workspace/design/items/new/?year=2027").status_code == 200
    assert not GrandDesign.objects.exists()
    client.post("/workspace/design/items/new/?year=2027", {"section": "community", "title": "居場所づくり", "status": "planned",
                                                           "order": 1})
    assert GrandDesign.objects.get().fiscal_year == 2027 and DesignItem.objects.get().design.fiscal_year == 2027


def test_time_use_is_added_by_whoever_keeps_the_inventory(own_manager, charlie, job_roles):
    inventory = services.task_inventory_import(agency=own_manager.memberships.get().agency, fiscal_year=2026,
                                               parsed=read_inventory_sheet(seed_sheet()))
    role = JobRole.objects.get(name="社会福祉士")
    with pytest.raises(PermissionDenied):
        services.time_use_add(actor=actor(charlie), inventory=inventory, job_role=role, label="A", hours={"相談": 3})
    services.time_use_add(actor=actor(own_manager), inventory=inventory, job_role=role, label="A", hours={"相談": 3})
    assert TimeUse.objects.get().hours == {"相談": 3}
