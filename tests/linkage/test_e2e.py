"""The coordinator reviews one pair in chromium, with axe-core on each page visited."""

import pytest

from tests.conftest import assert_accessible, browser_login
from tsunagu.linkage.models import MergeDecision, PersonLink

from .helpers import run

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_keeps_twins_apart_then_merges_and_unmerges_another_pair(page, live_server, coordinator, twins):
    run()
    browser_login(page, live_server, "coord")
    page.get_by_role("link", name="名寄せ", exact=True).click()
    page.get_by_role("heading", name="名寄せの確認", level=1).wait_for()
    assert_accessible(page)

    pair = page.locator("section.pair").filter(has_text="山口 優斗")
    assert "双子の可能性" in pair.inner_text() and "生年月日" in pair.inner_text()
    pair.get_by_label("判断の理由（必須）").fill("母子手帳で双子と確認")
    pair.get_by_role("button", name="別人として確定").click()
    page.get_by_text("「別人として確定」を記録しました").wait_for()
    assert page.locator("section.pair").filter(has_text="山口 優斗").count() == 0
    assert MergeDecision.objects.get().reason == "母子手帳で双子と確認"

    page.get_by_role("link", name=f"本人 {twins[0].pk} を開く").click()
    page.get_by_role("heading", name=f"本人 {twins[0].pk} の記録").wait_for()
    assert_accessible(page)
    page.get_by_label(f"記録 #{twins[1].pk} を再結合する理由").fill("再確認の結果、同一人物")
    page.get_by_role("button", name="再結合").click()
    page.get_by_text("再結合しました").wait_for()
    assert PersonLink.objects.get(person=twins[1]).cluster == twins[0].pk
    page.get_by_label(f"記録 #{twins[1].pk} を切り離す理由").fill("やはり別人")
    page.get_by_label(f"記録 #{twins[1].pk} を切り離す理由").press("Enter")  # keyboard only
    page.get_by_text("切り離しました").wait_for()
    assert PersonLink.objects.get(person=twins[1]).cluster == twins[1].pk
    assert_accessible(page)
