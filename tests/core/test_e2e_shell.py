"""Browser journeys of the shell: a worker and an admin log in and find their dashboards; every page is axe-clean."""

import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_town(transactional_db):
    from tsunagu.core.demo import demo_generate

    return demo_generate(profile="town")


def test_login_page_is_accessible(page, live_server):
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name="つなぐ にログイン")).to_be_visible()
    assert_accessible(page)


def test_wrong_password_is_explained(page, live_server, demo_town):
    browser_login(page, live_server, "houkatsu", "wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("ログインIDまたはパスワードが正しくありません")
    assert_accessible(page)


def test_demo_worker_finds_her_dashboard(page, live_server, demo_town):
    from tsunagu.core.demo import DEMO_PASSWORD

    browser_login(page, live_server, "houkatsu", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="ダッシュボード", exact=True)).to_be_visible()
    expect(page.locator(".site-header")).to_contain_text("さくら野町地域包括支援センター")
    expect(page.get_by_role("navigation", name="メインメニュー")).not_to_contain_text("閲覧記録")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("さん$")).click()
    expect(page.get_by_role("heading", name="アカウント")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/does-not-exist/")
    expect(page.get_by_role("heading", name=re.compile("ページが見つかりません"))).to_be_visible()
    assert_accessible(page)


def test_demo_admin_passes_two_factor_and_manages_staff(page, live_server, demo_town):
    from tsunagu.agencies.demo import DEMO_ADMIN_TOTP_KEY
    from tsunagu.core.demo import DEMO_PASSWORD

    browser_login(page, live_server, "admin", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="確認コードの入力")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("確認コード（6桁）").fill(f"{totp(bytes.fromhex(DEMO_ADMIN_TOTP_KEY)):06d}")
    page.get_by_role("button", name="確認").click()

    expect(page.get_by_role("heading", name="ダッシュボード", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("この7日間の閲覧記録"))).to_be_visible()
    assert_accessible(page)

    for link, heading in [("管理", "管理"), ("閲覧記録", "閲覧記録")]:
        page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert_accessible(page)

    page.goto(f"{live_server.url}/admin/staff/")
    page.get_by_label("氏名・ログインID").fill("houkatsu")
    page.get_by_label("氏名・ログインID").press("Enter")
    expect(page.get_by_role("link", name="包括 さくら")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="包括 さくら").click()
    expect(page.get_by_role("heading", name="所属", exact=True)).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/admin/agencies/")
    assert_accessible(page)
    page.get_by_role("link", name="機関を追加").click()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("入力内容を確かめてください")
    assert_accessible(page)
