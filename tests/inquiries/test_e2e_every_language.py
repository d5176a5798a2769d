"""Every public page in every language, in chromium, axe-checked: the directory (its search form and a page of
entries), an entry, the guide, the form to ask for help, the page after sending, and the residents' 404 — each in the
visitor's language (`<html lang>`)."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.resources.helpers import resource

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ["/resources/public/", "/resources/public/{entry}/", "/resources/public/guide/", "/help/", "/help/sent/",
         "/resources/public/999999/"]


def test_every_public_page_is_accessible_in_every_language(page, live_server, coordinator, own_agency):
    entry = resource("ふれあい食堂", maintainer=own_agency, visibility="public", fields=["elderly"],
                     description="地域の高齢者を対象とした会食の場です。", description_easy="おとしよりが ごはんを たべる ところです。")
    for code, _name in settings.LANGUAGES:
        for path in PAGES:
            response = page.goto(f"{live_server.url}/{code}{path.format(entry=entry.pk)}", timeout=30_000)
            assert response is not None and response.status == (404 if "999999" in path else 200), (code, path)
            expect(page.locator("html")).to_have_attribute("lang", code)
            assert_accessible(page)
