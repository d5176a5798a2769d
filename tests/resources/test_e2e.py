"""J6 and J7 in chromium. Every page visited is axe-checked (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tests.sharing.conftest import meeting_members, world  # noqa: F401
from tsunagu.participation.models import Placement
from tsunagu.resources.models import Service

from .helpers import resource

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_j6_csw_adds_worker_finds_resident_sees_public(page, live_server, alice, bob):
    resource("移動支援サービス（制度）", fields=["disability"], phone="0123-00-1111")
    browser_login(page, live_server, "alice")  # the CSW of the 社協 in the journey
    page.goto(f"{live_server.url}/resources/new/")
    assert_accessible(page)
    page.get_by_label("名称").fill("試乗車を使った通院送迎")
    page.get_by_label("提供主体（団体・機関名）").fill("さくら野モータース")
    page.get_by_label("内容", exact=True).fill("販売店の試乗車で、病院への通院を送迎します。")
    page.get_by_label("地域・インフォーマル").check()
    page.get_by_label("公開（住民向けページに掲載）").check()
    page.get_by_label("高齢・介護").check()
    page.get_by_label("月", exact=True).check()
    page.get_by_label("開始時刻").fill("09:00")
    page.get_by_label("終了時刻").fill("12:00")
    page.get_by_label("電話番号").fill("0123-45-6789")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("試乗車を使った通院送迎")
    assert_accessible(page)
    resource("職員だけの送迎調整表", visibility="staff")
    page.get_by_role("button", name="ログアウト").click()

    browser_login(page, live_server, "bob")  # a worker of another agency
    page.goto(f"{live_server.url}/resources/")
    page.get_by_label("キーワード").fill("送迎")
    page.get_by_role("button", name="検索").click()
    results = page.locator("#results")
    expect(results).to_contain_text("試乗車を使った通院送迎")
    expect(results).to_contain_text("移動支援サービス（制度）")  # a synonym of 送迎
    expect(results).to_contain_text("職員だけの送迎調整表")
    assert_accessible(page)
    page.get_by_role("button", name="ログアウト").click()

    page.goto(f"{live_server.url}/ja/resources/public/")  # a resident, not logged in
    page.get_by_label("キーワード").fill("送迎")
    page.get_by_role("button", name="検索").click()
    results = page.locator("#results")
    expect(results).to_contain_text("試乗車を使った通院送迎")
    expect(results).not_to_contain_text("職員だけの送迎調整表")
    assert_accessible(page)
    page.get_by_role("link", name="試乗車を使った通院送迎").click()
    expect(page.get_by_text("0123-45-6789")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="どこに聞いたらいいか").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("どこに聞いたらいいか")
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 740})  # a phone
    page.goto(f"{live_server.url}/ja/resources/public/?q=食")
    assert_accessible(page)


def test_j7_placement_from_a_case_on_its_timeline(page, live_server, alice, world):  # noqa: F811
    resource("就労体験（農園）", fields=["employment"], kind="informal", district="旭町", capacity=5, vacancy=2)
    browser_login(page, live_server, "alice")
    page.goto(f"{live_server.url}/resources/placements/case/{world.son_case.pk}/")
    assert_accessible(page)
    page.get_by_label("社会資源をさがす").fill("農園")
    page.get_by_role("button", name="さがす").click()
    page.get_by_label("就労体験（農園）").check()
    page.get_by_label("目的").select_option(label="就労体験")
    page.get_by_label("オーダーメイドの内容").fill("週1回、午前だけ。人の少ない畑から。")
    page.get_by_label("受け入れ先の担当者・連絡先").fill("農園の山田さん")
    page.get_by_role("button", name="参加支援を記録").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("参加支援：就労体験（農園）")
    assert_accessible(page)
    assert Placement.objects.get().service == Service.objects.get(name="就労体験（農園）")
    page.get_by_role("link", name="支援ケースへ戻る").click()
    expect(page.locator("body")).to_contain_text("就労体験（農園）（就労体験）開始")


def test_every_staff_page_is_accessible(page, live_server, alice, own_agency):
    from tsunagu.resources import services

    salon = resource("歌声サロン", maintainer=own_agency, days=["TU"], capacity=20, vacancy=3, fields=["community"],
                     district="緑町")
    Service.objects.filter(pk=salon.pk).update(verified_on="2020-01-01")
    services.need_create(data={"description": "夜の居場所がない", "fields": ["community"], "district": "緑町"},
                         recorded_by=own_agency)
    offer = services.offer_create(data={"title": "和室を貸せます", "offerer_kind": "group", "offerer_name": "町内会",
                                        "fields": ["community"], "district": "緑町"}, recorded_by=own_agency)
    browser_login(page, live_server, "alice")
    for path in ["/", "/resources/", f"/resources/{salon.pk}/", f"/resources/{salon.pk}/edit/", "/resources/stale/",
                 "/resources/offers/", f"/resources/offers/{offer.pk}/", "/resources/needs/", "/resources/import/"]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.goto(live_server.url + "/resources/")
    page.get_by_label("キーワード").fill("歌")  # htmx swaps the results while typing
    expect(page.locator("#results")).to_contain_text("該当 1 件")
    assert_accessible(page)
