"""Every public message in every language; the language switch keeps the public page cache; the coordinator's queue:
accept into a consultation, pass to an agency (then only it and the coordinator read the sending)."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation.template import templatize

from tsunagu.audit.models import AccessLog
from tsunagu.cases.models import Consultation
from tsunagu.inquiries.models import HelpRequest, Status
from tsunagu.resources.middleware import CACHE_PREFIX

from .test_public_form import SENDING, send

ROOT = Path(settings.BASE_DIR) / "tsunagu"
XGETTEXT = "/usr/bin/xgettext"  # Debian's gettext (scripts/debian-packages.txt), as makemessages uses it
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PO_ENTRY = re.compile(r'^msgid ((?:"[^\n]*"\n)+)msgstr ((?:"[^\n]*"\n?)+)', re.MULTILINE)


def catalog(code: str) -> dict[str, str]:
    folder = translation.to_locale(code)
    text = (ROOT / "locale" / folder / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    return {join(m[1]): join(m[2]) for m in PO_ENTRY.finditer(text) if join(m[1])}


def marked_in_sources(tmp_path: Path) -> set[str]:
    """Every message marked for translation in the project's templates and Python modules, extracted as makemessages
    does: templates through Django's templatize, then xgettext (Debian's gettext) over the lot."""
    sources = []
    for n, path in enumerate(sorted(ROOT.glob("templates/**/*.html"))):
        text = path.read_text(encoding="utf-8")
        if "{% load i18n" in text:
            copy = tmp_path / f"t{n}.py"
            copy.write_text(templatize(text, origin=str(path)), encoding="utf-8")
            sources.append(str(copy))
    sources += [str(p) for p in sorted(ROOT.rglob("*.py")) if "gettext" in p.read_text(encoding="utf-8")]
    command = [XGETTEXT, "--language=Python", "--from-code=UTF-8", "--keyword=_", "--keyword=gettext_lazy",
               "--keyword=gettext_noop", "--keyword=pgettext:1c,2", "--keyword=ngettext:1,2",
               "--keyword=ngettext_lazy:1,2", "--no-location", "-o", str(tmp_path / "messages.pot"), *sources]
    subprocess.run(command, check=True, env={"LC_ALL": "C.UTF-8"})  # noqa: S603 — our own files
    out = (tmp_path / "messages.pot").read_text(encoding="utf-8")
    return {join(m[1]) for m in PO_ENTRY.finditer(out)} - {""}


def join(block: str) -> str:
    return "".join(re.findall(r'"(.*)"', block)).replace('\\"', '"')


@pytest.fixture(scope="module")
def marked(tmp_path_factory) -> set[str]:
    return marked_in_sources(tmp_path_factory.mktemp("messages"))


def test_the_extraction_finds_the_public_messages(marked):
    assert {"相談を申し込む", "今すぐ危ない", "お金や仕事、暮らしのこと", "町の相談窓口（%(name)s）"} <= marked


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_public_message_is_translated(code, marked):
    messages = catalog(code)
    untranslated = sorted(msgid for msgid, msgstr in messages.items() if not msgstr.strip())
    assert untranslated == [], f"{code}: 訳のないメッセージ {untranslated}"
    missing = sorted(marked - messages.keys())
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
