"""The journeys J8–J11 in chromium, with axe-core on every page visited."""

import pytest

from tests import factories
from tests.conftest import assert_accessible, browser_login
from tsunagu.workspace import services
from tsunagu.workspace.models import MeetingInventory, Workshop

from .conftest import seed_sheet
from .test_network_and_plans import make_referrals
from .test_workshops import SECRET_AFFILIATION, SECRET_NAME

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def e2e_planner(city_hall, job_roles):
    return factories.staff(city_hall, role="manager", login_id="planner_e2e", job_role="行政職員")


def test_j8_upload_the_inventory_and_see_the_delegation(page, live_server, own_agency, job_roles, tmp_path):
    factories.staff(own_agency, role="manager", login_id="houkatsu_mgr", job_role="管理者")
    sheet = tmp_path / "業務整理表.xlsx"
    sheet.write_bytes(seed_sheet())
    browser_login(page, live_server, "houkatsu_mgr")
    page.goto(f"{live_server.url}/workspace/inventories/upload/")
    assert_accessible(page)
    page.get_by_label("年度（西暦）").fill("2026")
    page.get_by_label("業務棚卸表（Excel .xlsx）").set_input_files(str(sheet))
    page.get_by_role("button", name="取り込む").click()
    page.get_by_role("heading", name="任せられる業務の提案（1件）").wait_for()
    row = page.get_by_role("row").filter(has_text="訪問スケジュールの調整とアポイントメント").first
    assert "主任介護支援専門員" in row.inner_text() and "事務員" in row.inner_text()
    assert page.locator("svg.chart").count() >= 1
    assert_accessible(page)


def test_j9_same_audience_meetings_proposed_for_joint_hosting(page, live_server, e2e_planner, own_agency, partner_agency, city_hall):
    for host, others, name, purpose in [(city_hall, [own_agency, partner_agency], "連絡調整会議", "包括と自治体との情報共有"),
                                        (partner_agency, [own_agency, city_hall], "障がい福祉連絡会", "障害分野の関係機関との情報共有と連携")]:
        entry = MeetingInventory.objects.create(fiscal_year=2026, reported_by=host, name=name, purpose=purpose, times_per_year=12,
                                                basis="municipal", host=host, minutes=90, attendees=10)
        entry.attending.set(others)
    browser_login(page, live_server, "planner_e2e")
    page.goto(f"{live_server.url}/workspace/meeting-inventory/?year=2026")
    assert_accessible(page)
    page.get_by_role("link", name="効率化の提案を見る").click()
    card = page.locator("article.proposal").first
    assert "共催" in card.inner_text() and "年 162.0 時間" in card.inner_text()
    assert_accessible(page)


def test_j10_a_workshops_anonymous_summary(page, live_server, e2e_planner):
    templates = {t.builtin_key: t for t in services.worksheet_templates_ensure_builtins()}
    workshop = Workshop.objects.create(fiscal_year=2026, series_no=2, title="ケースで考える重層的相談支援", held_on="2026-08-21")
    workshop.templates.set([templates["case_sheet"]])
    page.goto(f"{live_server.url}/workspace/r/{workshop.response_token}/")
    assert_accessible(page)
    for factor in ["タイムリーに情報共有することができた", "ケース会議で情報共有ができた", "役割分担を確かめた"]:
        page.goto(f"{live_server.url}/workspace/r/{workshop.response_token}/{templates['case_sheet'].pk}/")
        page.get_by_label("(a) 上記ケースにおける連携の成功要因").fill(factor)
        page.get_by_label("ご氏名（任意・公表しません）").fill(SECRET_NAME)
        page.get_by_label("ご所属（任意・公表しません）").fill(SECRET_AFFILIATION)
        page.get_by_role("button", name="回答を送る").click()
        page.get_by_role("heading", name="回答ありがとうございました").wait_for()
    assert_accessible(page)
    browser_login(page, live_server, "planner_e2e")
    page.goto(f"{live_server.url}/workspace/workshops/{workshop.pk}/summary/")
    page.get_by_role("link", name="テーマを抽出する").click()
    assert_accessible(page)
    page.get_by_label("テーマ名").first.fill("タイムリーな共有")
    page.get_by_role("button", name="採用").first.click()
    page.goto(f"{live_server.url}/workspace/workshops/{workshop.pk}/summary/")
    body = page.content()
    assert "△タイムリーな共有" in body and "タイムリーに情報共有することができた" in body
    assert SECRET_NAME not in body and SECRET_AFFILIATION not in body
    assert_accessible(page)


def test_j11_the_network_shows_the_referral_flows(page, live_server, e2e_planner, alice, own_agency, partner_agency):
    make_referrals(alice, own_agency, partner_agency, ["accepted", "accepted", "declined"])
    browser_login(page, live_server, "planner_e2e")
    page.goto(f"{live_server.url}/workspace/design/network/?year=2026")
    page.locator("#network[data-ready='1']").wait_for(state="attached")
    assert page.locator("#network canvas").count() > 0
    row = page.locator("#referral-table tbody tr").first
    assert own_agency.name in row.inner_text() and "3" in row.inner_text() and "67%" in row.inner_text()
    assert page.get_by_role("button", name="画像（PNG）で保存").is_enabled()
    assert_accessible(page)
    page.goto(f"{live_server.url}/workspace/design/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/workspace/roadmap/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/workspace/trial/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/workspace/")
    assert_accessible(page)


def test_a_manager_edits_the_inventory_grid_with_the_keyboard(page, live_server, own_agency, job_roles):
    from tsunagu.workspace.excel import read_inventory_sheet
    from tsunagu.workspace.models import TaskRow

    factories.staff(own_agency, role="manager", login_id="grid_mgr", job_role="管理者")
    inventory = services.task_inventory_import(agency=own_agency, fiscal_year=2026, parsed=read_inventory_sheet(seed_sheet()))
    row = TaskRow.objects.get(task="介護予防プランの作成")
    nurse, clerk = inventory.columns.get(heading="保健師"), inventory.columns.get(heading="事務員")
    browser_login(page, live_server, "grid_mgr")
    page.goto(f"{live_server.url}/workspace/inventories/{inventory.pk}/edit/")
    assert_accessible(page)
    cell = page.get_by_role("combobox", name="2. 介護予防プランの作成 保健師")
    cell.focus()
    page.keyboard.press("2")
    page.locator("#grid-status").get_by_text("保存しました：介護予防プランの作成／保健師 → ×").wait_for()
    row.refresh_from_db()
    assert row.marks[str(nurse.pk)] == "×"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"m{row.pk}_{inventory.columns.get(heading='プランナー (専属)').pk}"

    # Another manager sets the clerk's cell meanwhile; this page still believes it is blank.
    services.task_cell_set(row=row, column_id=clerk.pk, mark="○", was="")
    clerk_cell = page.get_by_role("combobox", name="2. 介護予防プランの作成 事務員")
    clerk_cell.focus()
    page.keyboard.press("1")
    page.get_by_role("alert").filter(has_text="他の人が先に「○」に変更していました").wait_for()
    assert clerk_cell.input_value() == "○"
    row.refresh_from_db()
    assert row.marks[str(clerk.pk)] == "○"
    assert page.evaluate("document.activeElement.id") == f"m{row.pk}_{clerk.pk}"
    page.keyboard.press("1")  # now from the stored mark: saved
    page.locator("#grid-status").get_by_text("→ ◎").wait_for()
    row.refresh_from_db()
    assert row.marks[str(clerk.pk)] == "◎"

    page.get_by_label("カテゴリー").fill("総合相談")
    page.get_by_label("業務内容").fill("地域ケア会議の準備")
    page.get_by_role("button", name="追加").click()
    page.get_by_role("combobox", name="3. 地域ケア会議の準備 保健師").wait_for()
    assert_accessible(page)


def test_the_network_table_shows_every_pair_on_demand_by_keyboard(page, live_server, e2e_planner, alice, own_agency, partner_agency,
                                                                  city_hall, monkeypatch):
    """A 政令市's table lists its busiest pairs (here one, as if the first of 50) and every pair on demand."""
    from tsunagu.workspace import queries

    monkeypatch.setattr(queries, "BUSIEST_PAIRS", 1)
    make_referrals(alice, own_agency, partner_agency, ["accepted", "accepted", "declined"])
    make_referrals(alice, partner_agency, city_hall, ["requested"])
    browser_login(page, live_server, "planner_e2e")
    page.goto(f"{live_server.url}/workspace/design/network/?year=2026")
    page.locator("#network[data-ready='1']").wait_for(state="attached")
    assert page.locator("#referral-table tbody tr").count() == 1
    assert "つなぎ：件数の多い 1 組（全 2 組のうち）。共通の会議：なし。" in page.locator("#network-note").inner_text()
    assert_accessible(page)
    more = page.get_by_role("link", name="すべて表示（2 組）")
    more.focus()
    page.keyboard.press("Enter")
    page.get_by_text("つなぎのある 2 組すべてを、件数の多い順に表示しています。").wait_for()
    rows = page.locator("#referral-table tbody tr")
    assert rows.count() == 2 and own_agency.name in rows.first.inner_text() and city_hall.name in rows.nth(1).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366  # no sideways scrolling at 1366×768
    assert page.get_by_role("link", name="件数の多い 1 組だけを表示").is_visible()
    assert_accessible(page)
