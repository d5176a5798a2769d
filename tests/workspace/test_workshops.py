"""Workshops and worksheets (J10): responses by staff and by link, anonymous summaries and themes."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tsunagu.workspace import services
from tsunagu.workspace.models import Theme, WorksheetResponse, WorksheetTemplate, Workshop

SECRET_NAME = "秘匿 花子"
SECRET_AFFILIATION = "秘匿地域包括支援センター"


@pytest.fixture
def workshop(db, own_agency, partner_agency):
    templates = {t.builtin_key: t for t in services.worksheet_templates_ensure_builtins()}
    w = Workshop.objects.create(fiscal_year=2026, series_no=2, title="ケースで考える重層的相談支援", held_on=date(2026, 8, 21))
    w.templates.set([templates["case_sheet"], templates["meeting_list"]])
    services.workshop_invitations_set(workshop=w, agencies=[own_agency, partner_agency])
    return w


def _answer(workshop, key="case_sheet", **answers):
    template = WorksheetTemplate.objects.get(builtin_key=key)
    return services.worksheet_response_record(workshop=workshop, template=template, answers=answers,
                                              respondent_name=SECRET_NAME, respondent_affiliation=SECRET_AFFILIATION)


def _fill(workshop):
    for factor in ["タイムリーに情報共有することができた", "情報共有のタイミングが早かった", "ケース会議で情報共有ができた",
                   "関係機関の役割分担を確かめた", "役割分担を会議で決めた"]:
        _answer(workshop, success_factor=factor, wanted_resource="通院の送迎ボランティアと居場所")


def test_public_link_takes_a_response_without_login(client, workshop):
    template = workshop.templates.get(builtin_key="case_sheet")
    page = client.get(f"/workspace/r/{workshop.response_token}/{template.pk}/")
    assert page.status_code == 200 and "ご氏名（任意・公表しません）" in page.content.decode()
    response = client.post(f"/workspace/r/{workshop.response_token}/{template.pk}/", {
        "success_factor": "関係機関の役割を相互に確かめた", "respondent_name": SECRET_NAME})
    assert response.status_code == 200 and "回答ありがとうございました" in response.content.decode()
    saved = WorksheetResponse.objects.get()
    assert saved.channel == "link" and saved.terms["success_factor"] == ["関係機関", "役割", "相互"]


def test_an_empty_response_is_refused_and_nothing_saved(client, workshop):
    template = workshop.templates.get(builtin_key="case_sheet")
    response = client.post(f"/workspace/r/{workshop.response_token}/{template.pk}/", {"respondent_name": "誰か"})
    assert "回答が空です" in response.content.decode() and not WorksheetResponse.objects.exists()


def test_a_closed_or_wrong_link_is_not_found(client, workshop):
    assert client.get("/workspace/r/not-a-token/").status_code == 404
    Workshop.objects.filter(pk=workshop.pk).update(accepting_responses=False)
    assert client.get(f"/workspace/r/{workshop.response_token}/").status_code == 404


def test_staff_enter_a_paper_sheet_including_the_meeting_table(client_for, planner, workshop):
    template = workshop.templates.get(builtin_key="meeting_list")
    response = client_for(planner).post(f"/workspace/workshops/{workshop.pk}/respond/{template.pk}/", {
        "meetings__0__1": "連絡調整会議", "meetings__0__2": "包括と自治体との情報共有", "meetings__0__4": "月1回"})
    assert response.status_code == 302
    rows = WorksheetResponse.objects.get().answers["meetings"]
    assert len(rows) == 1 and rows[0]["会議・研修名"] == "連絡調整会議"


def test_summary_csv_and_themes_never_show_who_answered(client_for, planner, workshop):
    _fill(workshop)
    client = client_for(planner)
    proposals = client.get(f"/workspace/workshops/{workshop.pk}/themes/").content.decode()
    assert "情報共有" in proposals
    client.post(f"/workspace/workshops/{workshop.pk}/themes/", {"proposal": "0", "title": "タイムリーな共有", "area": "consultation"})
    theme = Theme.objects.get()
    assert theme.quotes and all(set(q) == {"response", "key", "text"} for q in theme.quotes)
    outputs = {
        "summary": client.get(f"/workspace/workshops/{workshop.pk}/summary/").content.decode(),
        "csv": client.get(f"/workspace/workshops/{workshop.pk}/summary.csv").content.decode("utf-8-sig"),
        "themes": client.get(f"/workspace/workshops/{workshop.pk}/themes/").content.decode(),
        "theme": client.get(f"/workspace/themes/{theme.pk}/").content.decode(),
        "detail": client.get(f"/workspace/workshops/{workshop.pk}/").content.decode(),
    }
    assert "タイムリーな共有" in outputs["summary"] and "タイムリーに情報共有することができた" in outputs["csv"]
    for name, body in outputs.items():
        assert SECRET_NAME not in body, name
        assert SECRET_AFFILIATION not in body, name


def test_theme_proposals_group_co_occurring_terms_and_sort_by_area(workshop):
    _fill(workshop)
    from tsunagu.workspace import queries

    proposals = queries.text.propose_themes(queries.workshop_answers(workshop))
    by_seed = {p.terms[0]: p for p in proposals}
    assert by_seed["情報共有"].area == "consultation" and len(by_seed["情報共有"].answers) == 3
    assert "役割分担" in by_seed
    resource = next(p for p in proposals if any("ボランティア" in t or "居場所" in t for t in p.terms))
    assert resource.area == "participation"


def test_planner_curates_a_theme(client_for, planner, workshop):
    _fill(workshop)
    client = client_for(planner)
    client.post(f"/workspace/workshops/{workshop.pk}/themes/", {"proposal": "0", "title": "共有", "area": "consultation"})
    theme = Theme.objects.get()
    client.post(f"/workspace/themes/{theme.pk}/", {"title": "①タイムリー、スピーディな共有", "area": "participation", "keep": ["0"]})
    theme.refresh_from_db()
    assert theme.title == "①タイムリー、スピーディな共有" and theme.area == "participation" and len(theme.quotes) == 1
    client.post(f"/workspace/themes/{theme.pk}/", {"delete": "1"})
    assert not Theme.objects.exists() and WorksheetResponse.objects.count() == 5


def test_template_editor_creates_a_sheet_with_a_table(client_for, planner):
    client = client_for(planner)
    response = client.post("/workspace/worksheets/new/", {
        "name": "第5回 社会資源シート", "description": "",
        "questions_text": "把握している社会資源\n※ 分野を問わず\n表: 資源の一覧 | 名称, 対象, 連絡先"})
    assert response.status_code == 302
    sheet = WorksheetTemplate.objects.get(name="第5回 社会資源シート")
    assert sheet.questions[0]["help"] == "分野を問わず" and sheet.questions[1]["columns"] == ["名称", "対象", "連絡先"]
    bad = client.post("/workspace/worksheets/new/", {"name": "空", "questions_text": "表: 一覧 |"})
    assert "表の列を" in bad.content.decode()


def test_concurrent_workshop_edits_do_not_overwrite(client_for, planner, workshop):
    client = client_for(planner)
    form = {"fiscal_year": 2026, "title": "A", "kind": "workshop", "held_on": "2026-08-21", "method": "venue", "expected_version": 1}
    assert client.post(f"/workspace/workshops/{workshop.pk}/edit/", form).status_code == 302
    stale = client.post(f"/workspace/workshops/{workshop.pk}/edit/", {**form, "title": "B"})
    assert stale.status_code == 409 and "他の人が更新しました" in stale.content.decode()
    workshop.refresh_from_db()
    assert workshop.title == "A"


def test_workshop_pages_are_the_planners(client_for, charlie, own_manager, workshop):
    for staff in (charlie, own_manager):
        client = client_for(staff)
        for path in ["/workspace/workshops/", f"/workspace/workshops/{workshop.pk}/", f"/workspace/workshops/{workshop.pk}/summary/",
                     f"/workspace/workshops/{workshop.pk}/summary.csv", f"/workspace/workshops/{workshop.pk}/themes/", "/workspace/worksheets/"]:
            assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("count", [1, 3])
def test_workshop_list_queries_do_not_grow(client_for, planner, django_assert_num_queries, count):
    for i in range(count):
        Workshop.objects.create(fiscal_year=2026, title=f"研修{i}", held_on=date(2026, 6, 1 + i))
    client = client_for(planner)
    client.get("/workspace/workshops/")
    with django_assert_num_queries(3):
        assert client.get("/workspace/workshops/").status_code == 200


def test_the_list_shows_the_next_workshop_first_then_the_latest_held(client_for, planner):
    today = timezone.localdate()
    for title, days in [("昨年の研修", -300), ("先月の研修", -30), ("来月の研修", 30), ("来週の研修", 7), ("半年後の研修", 180)]:
        Workshop.objects.create(fiscal_year=2026, title=title, held_on=today + timedelta(days=days))
    html = client_for(planner).get("/workspace/workshops/").content.decode()
    order = ["これからの研修", "来週の研修", "来月の研修", "半年後の研修", "実施した研修", "先月の研修", "昨年の研修"]
    assert [html.index(t) for t in order] == sorted(html.index(t) for t in order)
