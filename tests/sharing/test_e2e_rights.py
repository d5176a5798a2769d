"""本人の権利, in chromium: the coordinator receives a 開示請求 and finds its bundle; the son's lead agency opens the
支援チームのお知らせ form (no agency list on screen) and the 転出 form from his page; the coordinator reads a 転入.
Every page visited is axe-checked."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tests.sharing import world as w
from tsunagu.sharing import move_out
from tsunagu.sharing.models import DisclosureRequest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_rights_pages_in_a_browser(page, live_server, alice, bob, coordinator, meeting_members):
    world = w.build(alice, bob, *meeting_members)
    browser_login(page, live_server, "coord")
    page.goto(f"{live_server.url}/people/disclosure-requests/")
    page.get_by_text("開示請求を受け付ける").click()
    page.get_by_label("受付番号").fill("R8-0101")
    page.get_by_label("受付日").fill(timezone.localdate().isoformat())
    page.get_by_label("請求者（本人）の氏名").fill(world.son.name)
    page.get_by_label("生年月日").fill("1975-02-03")
    page.get_by_role("button", name="受け付ける").click()
    expect(page.locator(".messages")).to_contain_text("R8-0101")
    expect(page.get_by_role("link", name="開示の資料（PDF）")).to_be_visible()
    assert_accessible(page)
    assert list(DisclosureRequest.objects.get().persons.all()) == [world.son]

    page.context.clear_cookies()
    browser_login(page, live_server, alice.login_id)
    page.goto(f"{live_server.url}/people/{world.son.pk}/")
    page.get_by_role("link", name="支援チームのお知らせを印刷（本人の申出）").click()
    expect(page.get_by_label("申出の方法")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(bob.memberships.get().agency.name)
    assert_accessible(page)
    page.goto(f"{live_server.url}/people/{world.son.pk}/")
    page.get_by_role("link", name=f"転出（{world.son_case.title}を他の市区町村へ引き継ぐ）").click()
    expect(page.get_by_label("転出先の市区町村")).to_be_visible()
    assert_accessible(page)

    export = move_out.build(actor=w.actor(alice), case=world.son_case, to_municipality="うみかぜ市",
                            consent_on=timezone.localdate(), consent_method="written", member_ids=[])
    move_out.move_in_receive(move_out.encode(export.bundle))
    page.context.clear_cookies()
    browser_login(page, live_server, "coord")
    page.goto(f"{live_server.url}/people/move-ins/")
    expect(page.get_by_role("heading", level=2)).to_contain_text(world.son.name)
    assert_accessible(page)
