"""住民の入口 in chromium, every page axe-checked: a visitor asks for help in やさしい日本語 and another in Tiếng Việt;
the coordinator finds both waiting on her dashboard and in the queue, and takes one into a consultation."""

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tsunagu.inquiries.models import HelpRequest, Status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _send(page, live_server, language, labels):
    page.goto(f"{live_server.url}/{language}/help/", timeout=30_000)  # the live server's first page may be slow
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)
    for label in labels["check"]:
        page.get_by_label(label, exact=True).check()
    page.get_by_label(labels["topic"]).check()  # its label begins with a pictogram
    page.get_by_label(labels["message"]).fill(labels["text"])
    page.get_by_label(labels["contact"]).fill("090-1234-5678")
    page.get_by_role("button", name=labels["send"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(labels["sent"])
    assert labels["text"] not in page.content()  # nothing sent is shown back
    assert_accessible(page)


def test_two_visitors_ask_and_the_coordinator_takes_one_into_a_consultation(page, live_server, coordinator):
    _send(page, live_server, "ja-x-easy", {
        "topic": "おかね・しごと", "check": ["じぶんの こと", "でんわ", "いつでも いい", "いそがない"],
        "message": "こまって いること", "text": "やちんが はらえません", "contact": "でんわばんごう または メールアドレス",
        "send": "おくる", "sent": "うけつけました"})
    _send(page, live_server, "vi", {
        "topic": "Ngôn ngữ, thủ tục", "check": ["Gia đình tôi", "Điện thoại", "Buổi chiều", "Muốn nói chuyện sớm"],
        "message": "Điều bạn đang lo lắng", "text": "Tôi không hiểu giấy tờ của thành phố", "contact": "Số điện thoại",
        "send": "Gửi", "sent": "Đã tiếp nhận"})

    browser_login(page, live_server, "coord")
    expect(page.get_by_text("受付待ちの一覧へ")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="受付待ちの一覧へ").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="vi")).to_have_count(1)
    expect(rows.filter(has_text="ja-x-easy")).to_have_count(1)
    assert_accessible(page)
    easy = HelpRequest.objects.get(language="ja-x-easy")
    page.get_by_role("link", name=f"#{easy.pk}", exact=True).click()
    expect(page.get_by_text("やちんが はらえません")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="相談として受け付ける").click()
    expect(page.get_by_label("主訴")).to_have_value("やちんが はらえません")  # prefilled from the sending
    assert_accessible(page)
    page.get_by_label("本人の氏名（わかる範囲で）").fill("やまだ さん")  # the sender gave no name: the coordinator's note
    page.get_by_label("継続支援（支援ケースへ）").check()
    page.get_by_role("button", name="受け付ける").click()
    expect(page.get_by_text(f"相談の申込み #{easy.pk} を相談として受け付けました。")).to_be_visible()
    assert_accessible(page)
    easy.refresh_from_db()
    assert easy.status == Status.ACCEPTED and easy.consultation is not None
    assert HelpRequest.objects.get(language="vi").status == Status.PENDING
