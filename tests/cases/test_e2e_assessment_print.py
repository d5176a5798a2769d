"""In chromium: the worker records a household member's インテーク・アセスメントシート from the case page and prints it.
Every page visited is axe-checked; the print is a PDF of hers, filled with what was typed."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tests.pdf import in_order, pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_is_assessed_and_her_sheet_printed(page, live_server, world, alice):
    browser_login(page, live_server, "alice")
    page.goto(f"{live_server.url}/cases/{world.case.pk}/")
    page.get_by_role("link", name=re.compile(r"アセスメント\s*（高橋 健一さん）\s*を記録")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("アセスメント")
    expect(page.get_by_label("本人（対象の世帯員）")).to_have_value(str(world.son.pk))
    assert_accessible(page)
    page.get_by_label("実施日").fill("R6.2.30")  # a date that does not exist
    page.locator("#id_area_work").fill("失業中。ハローワークに通い始めた")
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_role("alert")).to_contain_text("実施日: ")
    expect(page.get_by_role("alert")).to_contain_text("何も記録していません")
    assert_accessible(page)
    page.get_by_label("実施日").fill("R6.2.29")
    page.get_by_label("スクリーニングの結果（国への報告事項）").select_option(label="継続支援（プラン作成へ）")
    page.get_by_role("radio", name="対象", exact=True).check()
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_text("アセスメントを記録しました。")).to_be_visible()
    assert_accessible(page)

    link = page.get_by_role("link", name=re.compile(r"インテーク・アセスメントシートを印刷\s*（高橋 健一さん、PDF）"))
    response = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert in_order(text, ["インテーク・アセスメントシート", "高橋 健一", "仕事・就労の状況",
                           "失業中。ハローワークに通い始めた", "【国】スクリーニングの結果", "■ 継続支援（プラン作成へ）",
                           "【国】就労支援の対象", "■ 対象"]) == []
