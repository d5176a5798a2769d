"""Ending an ecomap tie in chromium: the 終了 button is readable (axe's contrast check) and asks before it ends the
tie, which is still a POST with the CSRF token."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tests.sharing.world import actor
from tsunagu.ecomap import services
from tsunagu.ecomap.models import EcomapTie, TieKind, TieStrength

CONTRAST = """b => {
    const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= .03928 ? v / 12.92 : ((v + .055) / 1.055) ** 2.4; })
        .reduce((s, v, i) => s + v * [.2126, .7152, .0722][i], 0);
    let el = b, bg = [0, 0, 0, 0];
    while (el) { bg = rgb(getComputedStyle(el).backgroundColor); if (bg.length < 4 || bg[3] > 0) break; el = el.parentElement; }
    const [l1, l2] = [lum(rgb(getComputedStyle(b).color)), lum(bg)].sort((x, y) => y - x);
    return (l1 + .05) / (l2 + .05);
}"""


def _contrast(locator) -> float:
    """The contrast ratio of a button's text against the first opaque background behind it."""
    return locator.evaluate(CONTRAST)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_ending_a_tie_asks_first_and_the_button_is_readable(page, live_server, world, alice):
    tie = services.tie_add(actor=actor(alice), case=world.case, kind=TieKind.INFORMAL, label="近所の見守り隊",
                           strength=TieStrength.STRONG)
    browser_login(page, live_server, "alice")
    page.goto(f"{live_server.url}/ecomap/cases/{world.case.pk}/")
    button = page.get_by_role("button", name=re.compile("終了.*近所の見守り隊"))
    expect(button).to_be_visible()
    assert_accessible(page)
    assert _contrast(button) >= 4.5  # it was white on white (axe leaves a 1:1 text it cannot see as "incomplete")
    assert "近所の見守り隊" in button.get_attribute("data-confirm")
    assert button.evaluate("b => b.form.method") == "post"
    assert button.evaluate("b => b.form.querySelector('input[name=csrfmiddlewaretoken]') !== null")

    messages: list[str] = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    button.click()
    expect(button).to_be_visible()
    assert messages and "終了" in messages[0]
    tie.refresh_from_db()
    assert tie.ended_on is None

    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    expect(page.get_by_text("つながりを終了として記録しました")).to_be_visible()
    tie.refresh_from_db()
    assert tie.ended_on is not None


@pytest.mark.django_db
def test_a_tie_ends_only_by_a_post_with_the_csrf_token(world, alice):
    tie = services.tie_add(actor=actor(alice), case=world.case, kind=TieKind.INFORMAL, label="近所の見守り隊",
                           strength=TieStrength.STRONG)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get(f"/ecomap/ties/{tie.pk}/end/").status_code == 405
    assert client.post(f"/ecomap/ties/{tie.pk}/end/").status_code == 403
    assert EcomapTie.objects.get(pk=tie.pk).ended_on is None
