"""Fixed personas, as in the style guide: alice (own-agency worker), bob (partner-agency worker), charlie
(outsider agency), the coordinator and the admin. Each area's tests add the bases (consent, meetings) they need.
"""

import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per password; tests check behaviour, not the hash's strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def own_agency(db):
    return factories.agency("テスト地域包括支援センター")


@pytest.fixture
def partner_agency(db):
    return factories.agency("テスト障害者相談支援事業所", kind="disability_consultation", fields=["disability"])


@pytest.fixture
def outsider_agency(db):
    return factories.agency("テスト子育て支援拠点", kind="childcare_hub", fields=["children"])


@pytest.fixture
def city_hall(db):
    return factories.agency("テスト市 福祉総合相談課", kind="municipal_office", operation="direct", fields=["community"])


@pytest.fixture
def alice(own_agency):
    return factories.staff(own_agency, login_id="alice", name="有栖 花子")


@pytest.fixture
def bob(partner_agency):
    return factories.staff(partner_agency, login_id="bob", name="母武 太郎")


@pytest.fixture
def charlie(outsider_agency):
    return factories.staff(outsider_agency, login_id="charlie", name="茶利 次郎")


@pytest.fixture
def coordinator(city_hall):
    return factories.staff(city_hall, role="coordinator", login_id="coord", name="調整 みどり")


@pytest.fixture
def planner(city_hall):
    """The municipality's planner (計画担当): a manager at a 行政 agency."""
    return factories.staff(city_hall, role="manager", login_id="planner", name="計画 はじめ", job_role="行政職員")


@pytest.fixture
def own_manager(own_agency):
    return factories.staff(own_agency, role="manager", login_id="alice_mgr", name="有栖 課長", job_role="管理者")


@pytest.fixture
def admin_staff(city_hall):
    return factories.staff(city_hall, role="admin", login_id="sysadmin", name="管理 太郎", job_role="行政職員")


def count_queries(client: Client, url: str) -> int:
    """How many SQL queries one GET makes (for N+1 guards: the count must not grow with the rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(queries)


def _client_for(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def client_for():
    """client_for(staff) → a logged-in test client. Admins are marked as having passed their second factor."""

    def make(staff):
        client = _client_for(staff)
        if any(m.role == "admin" for m in staff.memberships.all()):
            _pass_second_factor(client, staff)
        return client

    return make


def _pass_second_factor(client: Client, staff) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(user=staff, name="test", defaults={"confirmed": True})
    StaticToken.objects.create(device=device, token="pass1234")
    response = client.post("/account/otp/", {"token": "pass1234"})
    assert response.status_code == 302, "the admin could not pass the second factor in the test set-up"


# ---- Browser tests (Debian chromium through Playwright; never a downloaded browser) ----

import json  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
AXE_JS = Path(__file__).resolve().parent.parent / "tsunagu" / "static" / "vendor" / "axe.min.js"

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by tests there are still
# synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        message = f"ブラウザテストには {CHROMIUM} が必要です（apt-get install chromium）。"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " REQUIRE_BROWSER=1 のため失敗とします。", pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "locale": "ja-JP",
            "timezone_id": "Asia/Tokyo"}


@pytest.fixture
def page(page):
    """Every browser test fails on a console error (a CSP violation included) or a request leaving the machine."""
    errors: list[str] = []

    def on_console(msg):
        # A page that answers 404 on purpose (the Japanese 404 page) logs its own status; anything else counts.
        if msg.type == "error" and msg.location.get("url") != page.url:
            errors.append(f"{msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url)
            if not req.url.startswith(("http://localhost", "http://127.0.0.1", "data:", "about:")) else None)
    page.set_default_timeout(10_000)
    yield page
    assert not outside, f"外部へのリクエストがありました: {outside}"
    assert not errors, f"ブラウザのコンソールにエラーがあります: {errors}"


def assert_accessible(page) -> None:
    """Runs axe-core (from the npm registry, served locally) on the current page: no serious or critical issue."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target)}));
    }""")
    assert result == [], f"{page.url} のアクセシビリティ違反: {json.dumps(result, ensure_ascii=False, indent=1)}"


def browser_login(page, live_server, login_id: str, password: str = factories.PASSWORD) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


@pytest.fixture(autouse=True)
def _figures_computed_afresh():
    """A test's rolled-back writes leave every version token as it was: no test reads an answer another one kept
    (figures, Scopes, the network … or a page's tables in Django's cache)."""
    from django.core.cache import cache

    from tsunagu.core import versions

    versions.forget_all()  # the figures, the 制度の狭間 rows, the agencies' Scopes, the network: all kept alike
    cache.clear()
