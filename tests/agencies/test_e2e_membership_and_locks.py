"""Browser journeys: the admin changes a membership and locks an account; the agency's manager is told; the pages
(the staff page with its locks, the manager's dashboard, the lockout page) are axe-clean."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests import factories
from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KEY = "3132333435363738393031323334353637383930"


@pytest.fixture
def people(transactional_db):
    city_hall = factories.agency("テスト町 福祉課", kind="municipal_office", operation="direct")
    centre = factories.agency("テスト地域包括支援センター")
    admin = factories.staff(city_hall, role="admin", login_id="sysadmin", name="管理 太郎", job_role="行政職員")
    TOTPDevice.objects.create(user=admin, name="認証アプリ", key=KEY, confirmed=True)
    manager = factories.staff(centre, role="manager", login_id="centre-mgr", name="所長 まもる")
    worker = factories.staff(centre, login_id="centre-worker", name="相談 はるか")
    return {"admin": admin, "manager": manager, "worker": worker}


def _sign_out(page, live_server):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")


def test_the_admin_changes_a_role_and_locks_an_account_and_the_manager_is_told(page, live_server, people):
    browser_login(page, live_server, "sysadmin")
    page.get_by_label("確認コード（6桁）").fill(f"{totp(bytes.fromhex(KEY)):06d}")
    page.get_by_role("button", name="確認").click()
    expect(page.get_by_role("heading", name="ダッシュボード", exact=True)).to_be_visible()

    page.goto(f"{live_server.url}/admin/staff/{people['worker'].pk}/")
    page.get_by_role("row", name="テスト地域包括支援センター").get_by_label("権限").select_option("manager")
    page.get_by_role("row", name="テスト地域包括支援センター").get_by_role("button", name="変更").click()
    expect(page.get_by_role("status")).to_contain_text("権限を変更しました")
    assert_accessible(page)

    page.get_by_label("ロックの理由").fill("不審な操作の記録")
    page.get_by_role("button", name="ロックする").click()
    expect(page.get_by_role("alert").first).to_contain_text("システム管理者がロックしています")
    assert_accessible(page)

    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", name="所属の変更")).to_be_visible()
    assert_accessible(page)

    _sign_out(page, live_server)
    browser_login(page, live_server, "centre-mgr")
    expect(page.get_by_role("heading", name="システム管理者による所属の変更")).to_be_visible()
    expect(page.get_by_role("table", name="所属の変更")).to_contain_text("相談 はるか")
    assert_accessible(page)


def test_the_lockout_page_says_when_it_lifts(page, live_server, people):
    for _ in range(5):
        browser_login(page, live_server, "centre-worker", "wrong-password")
    expect(page.get_by_role("heading", name="アカウントがロックされています")).to_be_visible()
    expect(page.get_by_text("自動で解除されます")).to_be_visible()
    assert_accessible(page)
