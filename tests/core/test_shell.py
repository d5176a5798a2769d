import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_unknown_url_answers_a_japanese_404(alice, client_for):
    response = client_for(alice).get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_pages_carry_a_strict_content_security_policy(alice, client_for):
    response = client_for(alice).get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


def test_pages_have_no_inline_script_or_style(admin_staff, client_for):
    client = client_for(admin_staff)
    for path in ["/", "/admin/", "/admin/agencies/", "/admin/staff/", "/audit/", "/account/", "/login/"]:
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html and "<style" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_navigation_shows_admin_areas_only_to_admins(alice, admin_staff, client_for):
    assert "閲覧記録" not in client_for(alice).get("/").content.decode()
    assert "閲覧記録" in client_for(admin_staff).get("/").content.decode()


def test_login_page_is_japanese_and_labelled():
    html = Client().get("/login/").content.decode()
    assert '<html lang="ja">' in html
    assert re.search(r'<label for="id_username">ログインID', html)
    assert re.search(r'<label for="id_password">パスワード', html)


def test_exactly_one_area_is_current_in_the_navigation(alice, client_for):
    html = client_for(alice).get("/cases/intake/").content.decode()
    nav = html.split('aria-label="メインメニュー"')[1].split("</nav>")[0]
    assert nav.count('aria-current="page"') == 1
    assert re.search(r'aria-current="page">相談受付<', nav)
