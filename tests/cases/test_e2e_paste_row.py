"""Intake in chromium: a row copied from Excel (cells separated by tabs) pasted into the name field is offered to be
split into 氏名, ふりがな, 生年月日, 性別, 住所 and 電話 (app.js, data-paste-row); the page stays axe-clean."""

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tsunagu.people.models import Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROW = "十河 太郎\tそごう たろう\tS50.2.3\t男\tさくら野町旭町1丁目2番3号\t0123-45-6789\r\n"


def _paste(page, selector: str, text: str) -> None:
    """A paste as the browser delivers it: a ClipboardEvent carrying the text (what app.js reads)."""
    page.eval_on_selector(selector, """(input, text) => {
        input.focus();
        const data = new DataTransfer();
        data.setData("text/plain", text);
        input.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""", text)


def test_a_pasted_excel_row_is_split_into_its_fields(page, live_server, alice):
    browser_login(page, live_server, "alice")
    page.goto(f"{live_server.url}/cases/intake/")
    _paste(page, "#id_name", ROW)
    offer = page.locator(".paste-offer")
    expect(offer).to_contain_text("貼り付けた行を項目に分けますか")
    expect(offer).to_contain_text("ふりがな: そごう たろう")
    assert_accessible(page)
    offer.get_by_role("button", name="項目に分ける").click()
    expect(offer).to_have_count(0)
    expect(page.locator("#id_name")).to_have_value("十河 太郎")
    expect(page.locator("#id_kana")).to_have_value("そごう たろう")
    expect(page.locator("#id_birth_date")).to_have_value("S50.2.3")
    expect(page.locator("#id_sex")).to_have_value("M")
    expect(page.locator("#id_address")).to_have_value("さくら野町旭町1丁目2番3号")
    expect(page.locator("#id_phone")).to_have_value("0123-45-6789")
    page.get_by_label("主訴").fill("家賃を滞納している。")
    page.get_by_role("button", name="受け付ける").click()
    expect(page.locator(".messages")).to_contain_text("相談を受け付けました")
    person = Person.objects.get(name="十河 太郎")
    assert (person.kana, person.birth_date.isoformat(), person.sex, person.phone) == (
        "そごう たろう", "1975-02-03", "M", "0123-45-6789")


def test_a_paste_without_tabs_offers_nothing_and_keep_leaves_the_fields(page, live_server, alice):
    browser_login(page, live_server, "alice")
    page.goto(f"{live_server.url}/cases/intake/")
    _paste(page, "#id_name", "十河 太郎")
    expect(page.locator(".paste-offer")).to_have_count(0)
    page.locator("#id_name").fill("十河 太郎\tそごう")
    _paste(page, "#id_name", "十河 太郎\tそごう たろう")
    page.locator(".paste-offer").get_by_role("button", name="このまま").click()
    expect(page.locator(".paste-offer")).to_have_count(0)
    expect(page.locator("#id_kana")).to_have_value("")
