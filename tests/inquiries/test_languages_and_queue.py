"""Every public message in every language; the language switch keeps the public page cache; the coordinator's queue:
accept into a consultation, pass to an agency (then only it and the coordinator read the sending)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tsunagu.audit.models import AccessLog
from tsunagu.cases.models import Consultation
from tsunagu.inquiries.models import HelpRequest, Status
from tsunagu.resources.middleware import CACHE_PREFIX

from .test_public_form import SENDING, send

ROOT = Path(settings.BASE_DIR) / "tsunagu"
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PO_ENTRY = re.compile(r'^msgid ((?:"[^\n]*"\n)+)msgstr ((?:"[^\n]*"\n?)+)', re.MULTILINE)
TEMPLATE_LITERAL = re.compile(r'{%\s*translate\s+"([^"]+)"')


def catalog(code: str) -> dict[str, str]:
    folder = translation.to_locale(code)
    text = (ROOT / "locale" / folder / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    join = lambda block: "".join(re.findall(r'"(.*)"', block)).replace('\\"', '"')  # noqa: E731
    return {join(m[1]): join(m[2]) for m in PO_ENTRY.finditer(text) if join(m[1])}


def marked_in_templates() -> set[str]:
    found = set()
    for path in ROOT.glob("templates/**/*.html"):
        found |= set(TEMPLATE_LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_public_message_is_translated(code):
    messages = catalog(code)
    untranslated = sorted(msgid for msgid, msgstr in messages.items() if not msgstr.strip())
    assert untranslated == [], f"{code}: 訳のないメッセージ {untranslated}"
    missing = sorted(marked_in_templates() - messages.keys())
    assert missing == [], f"{code}: .po にないメッセージ（makemessages を実行して訳してください）{missing}"
    with translation.override(code):  # the compiled catalog is the one served
        assert all(translation.gettext(m) == s for m, s in messages.items() if "%(" not in m)


def test_the_language_switch_keeps_each_language_cached(db, coordinator):
    visitor = Client()
    first = visitor.get("/vi/resources/public/guide/")
    assert first.status_code == 200 and "Nên hỏi ở đâu" in first.content.decode()
    switch = visitor.get("/language/ko/", {"next": "resources/public/guide/"})
    assert switch.status_code == 302 and switch["Location"] == "/ko/resources/public/guide/"
    assert switch.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    korean = visitor.get(switch["Location"])
    assert "어디에 물어보면 좋을까" in korean.content.decode() and "ETag" in korean
    again = visitor.get("/ko/resources/public/guide/", HTTP_IF_NONE_MATCH=korean["ETag"])
    assert again.status_code == 304  # answered from the cache, cookie and all
    from django.core.cache import cache  # noqa: PLC0415
    assert len([k for k in getattr(cache, "_cache", {}) if CACHE_PREFIX in k]) >= 2
    root = visitor.get("/resources/public/guide/")
    assert root.status_code == 302 and root["Location"] == "/ko/resources/public/guide/"


def test_staff_pages_stay_japanese_whatever_the_browser_asks(client_for, alice):
    page = client_for(alice).get("/nonexistent-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 404 and "ページが見つかりません（404）" in page.content.decode()
    public = Client().get("/vi/help/nonexistent/")
    assert public.status_code == 404 and "Không tìm thấy trang" in public.content.decode()


def test_the_coordinator_accepts_one_and_passes_another(client_for, coordinator, alice, bob, own_agency):
    send(Client(), language="ja-x-easy")
    send(Client(), {"message": "ことばが わからない"}, language="vi")
    first, second = HelpRequest.objects.order_by("pk")
    staff = client_for(coordinator)
    queue = staff.get("/inquiries/").content.decode()
    assert f"#{first.pk}" in queue and f"#{second.pk}" in queue
    assert client_for(alice).get(f"/inquiries/{first.pk}/").status_code == 404  # not her agency's sending
    form = staff.get(f"/inquiries/{first.pk}/accept/").content.decode()
    assert "家賃が払えません。" in form and "みどり" in form  # prefilled
    staff.post(f"/inquiries/{first.pk}/accept/", {
        "received_on": "2026-12-01", "route": "email", "consulter": "self", "name": "みどり",
        "main_complaint": "家賃が払えません。", "urgency": "medium", "outcome": "info_only"})
    first.refresh_from_db()
    assert first.status == Status.ACCEPTED and Consultation.objects.get(pk=first.consultation_id).main_complaint
    response = staff.post(f"/inquiries/{second.pk}/pass/", {"to_agency": own_agency.pk, "version": second.version})
    assert response.status_code == 302
    assert client_for(alice).get(f"/inquiries/{second.pk}/").status_code == 200  # the receiving agency reads it
    assert client_for(bob).get(f"/inquiries/{second.pk}/").status_code == 404
    assert AccessLog.objects.filter(action="disclose", object_id=str(second.pk)).exists()
    assert SENDING["message"] not in Client().get("/ja/help/sent/").content.decode()
