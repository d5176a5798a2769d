"""相談の申込み from the public form: what a visitor sends reaches the coordinator's queue, owned by her agency, and
nothing of it comes back to the browser; abuse (scripts, huge texts, NUL, emoji, a flood from one address) is inert
or limited, answered plainly in the visitor's language, with nothing half-written."""

import pytest
from django.test import Client

from tsunagu.inquiries.models import HelpRequest, SendingWindow, Status

pytestmark = pytest.mark.django_db

SENDING = {"who": "self", "topics": ["money", "food"], "message": "家賃が払えません。", "name": "みどり",
           "contact_method": "phone", "contact": "090-1234-5678", "contact_time": "any", "urgency": "soon"}


def send(client, data=None, language="ja", **extra):
    return client.post(f"/{language}/help/", {**SENDING, **(data or {})}, **extra)


def test_a_sending_waits_in_the_coordinators_queue_and_nothing_comes_back(coordinator, city_hall):
    client = Client(enforce_csrf_checks=True)
    form = client.get("/vi/help/")
    assert form.status_code == 200 and 'lang="vi"' in form.content.decode()
    token = form.cookies["csrftoken"].value
    response = client.post("/vi/help/", {**SENDING, "csrfmiddlewaretoken": token}, follow=True)
    assert response.redirect_chain == [("/vi/help/sent/", 302)]
    page = response.content.decode()
    assert "Đã tiếp nhận" in page  # 受け付けました, in Tiếng Việt
    for sent in ("家賃が払えません", "みどり", "090-1234-5678"):
        assert sent not in page
    request = HelpRequest.objects.get()
    assert (request.owner_agency, request.status, request.language) == (city_hall, Status.PENDING, "vi")
    assert request.topics == ["money", "food"]


def test_the_form_keeps_csrf(coordinator):
    client = Client(enforce_csrf_checks=True)
    response = send(client, language="ko")
    assert response.status_code == 403
    assert "보내지 못했습니다" in response.content.decode()  # the resident's CSRF page, in 한국어
    assert not HelpRequest.objects.exists()


def test_urgent_shows_the_numbers_to_call(coordinator, city_hall):
    city_hall.phone = "0120-111-222"
    city_hall.save()
    response = send(Client(), {"urgency": "now"}, language="ja-x-easy", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/ja-x-easy/help/sent/urgent/"
    assert page.index("tel:119") < page.index("うけつけました") or "emergency" in page
    for number in ("tel:119", "tel:110", "tel:189", "tel:0120-111-222"):
        assert number in page


def test_outside_office_hours_the_reply_time_is_said(coordinator, settings):
    settings.PUBLIC_OFFICE_HOURS = "00:00-00:01"  # closed now, whatever the time of the test
    page = Client().get("/en/help/sent/").content.decode()
    assert "The help desk is closed now. We will contact you from 00:00 on" in page


def test_a_script_is_stored_as_text_and_shown_inert(coordinator, client_for):
    send(Client(), {"message": "<script>alert(1)</script> 😀🙏 絵文字も"})
    request = HelpRequest.objects.get()
    assert request.message == "<script>alert(1)</script> 😀🙏 絵文字も"
    page = client_for(coordinator).get(f"/inquiries/{request.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 😀🙏 絵文字も" in page and "<script>alert(1)" not in page


@pytest.mark.parametrize(("data", "language", "message"), [
    ({"message": "あ" * 2001}, "en", "Please keep “What is troubling you” to 2,000 characters."),
    ({"message": "x" * 100_000}, "vi", "không quá 2.000 ký tự"),
    ({"message": "困って\x00います"}, "pt-br", "O texto contém um caractere que não pode ser usado."),
    ({"name": "\x00"}, "ja-x-easy", "つかえない もじが あります"),
    ({"topics": [], "message": " "}, "zh-hans", "请选择或填写您的困难。"),
    ({"contact_method": "email", "contact": "not-an-address"}, "ko", "이메일 주소 형식이 올바르지 않습니다."),
    ({"who": "everyone"}, "en", "Please choose one of the options."),
])
def test_bad_input_is_named_in_the_visitors_language_and_nothing_is_written(coordinator, data, language, message):
    response = send(Client(), data, language=language)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HelpRequest.objects.exists() and not SendingWindow.objects.exists()


def test_a_body_far_too_large_is_refused_before_it_is_read(coordinator):
    response = send(Client(), {"message": "あ" * 100_000}, language="en")  # ~900 KB once encoded
    assert response.status_code == 413
    assert "Too long to send" in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_the_honeypot_is_answered_as_sent_and_writes_nothing(coordinator):
    response = send(Client(), {"website": "http://spam.example"}, language="en")
    assert response.status_code == 302 and response["Location"] == "/en/help/sent/"
    assert not HelpRequest.objects.exists() and not SendingWindow.objects.exists()


def test_a_flood_from_one_address_is_limited_per_address(coordinator, settings):
    settings.PUBLIC_REQUESTS_PER_HOUR = 3
    client = Client()
    answers = [send(client, language="vi", REMOTE_ADDR="203.0.113.7").status_code for _ in range(6)]
    assert answers == [302, 302, 302, 429, 429, 429]
    assert "Đã có quá nhiều lần gửi từ cùng một nơi." in send(client, language="vi", REMOTE_ADDR="203.0.113.7").content.decode()
    assert HelpRequest.objects.count() == 3
    assert send(client, language="vi", REMOTE_ADDR="203.0.113.8").status_code == 302  # another address is not held back
    assert not SendingWindow.objects.filter(address_key__contains="203.0.113").exists()  # the address is kept hashed


def test_behind_a_trusted_proxy_each_client_address_counts_apart(coordinator, settings):
    settings.PUBLIC_REQUESTS_PER_HOUR = 1
    settings.TSUNAGU_TRUSTED_PROXIES = ["10.0.0.1"]
    client = Client()
    first = [send(client, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(3)]
    again = send(client, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.0").status_code
    assert first == [302, 302, 302] and again == 429


def test_without_a_coordinator_nothing_is_taken_and_the_numbers_are_shown(db):
    response = send(Client(), language="en")
    assert response.status_code == 503
    assert "tel:119" in response.content.decode() and not HelpRequest.objects.exists()


def test_each_topic_is_drawn_with_an_svg_of_the_app_not_an_emoji(coordinator):
    """A kiosk or a closed municipal PC may have no emoji font: the pictograms are the app's own SVG files."""
    import re
    from pathlib import Path

    from django.conf import settings

    from tsunagu.inquiries.models import Topic

    html = Client().get("/ja-x-easy/help/").content.decode()
    drawn = re.findall(r'<img class="pictogram" src="/static/(img/topics/[a-z]+\.svg)"', html)
    assert len(drawn) == len(Topic.values)
    static = Path(settings.BASE_DIR) / "tsunagu" / "static"
    assert all((static / path).read_text().startswith("<svg") for path in drawn)
    assert not re.search("[\U0001F300-\U0001FAFF]", html)


def test_the_reply_skips_weekends_and_national_holidays(settings):
    """A sending on the Friday evening before 2026's シルバーウィーク (敬老の日, 国民の休日, 秋分の日) is answered on Thursday."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tsunagu.inquiries.queries import reply_from

    settings.PUBLIC_OFFICE_HOURS = "08:30-17:15"
    tokyo = ZoneInfo("Asia/Tokyo")
    assert reply_from(datetime(2026, 9, 18, 18, 0, tzinfo=tokyo)) == datetime(2026, 9, 24, 8, 30, tzinfo=tokyo)
    assert reply_from(datetime(2026, 9, 24, 10, 0, tzinfo=tokyo)) is None  # open
