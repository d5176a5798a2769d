"""core.pdf: a template becomes an A4 PDF with the Japanese font embedded as a subset, 取扱注意 on a personal form,
and nothing fetched but the app's own static files — no request leaves the server while a PDF is drawn."""

import socket

import pytest
from django.template import engines

from tests.pdf import fonts, in_order, is_a4, pdf_text
from tsunagu.core import pdf

SHEET = """{% extends "core/pdf_base.html" %}{% block content %}
<h1>相談受付・申込票</h1>
<table class="form-table"><tbody>
<tr class="form-table__reported"><th>受付日</th><td></td></tr>
<tr><th>氏名</th><td>{{ name }}</td></tr>
</tbody></table>{{ extra|safe }}
{% endblock %}"""


def _html(name: str = "架空 花子", extra: str = "", personal: bool = True) -> str:
    return engines["django"].from_string(SHEET).render({"name": name, "extra": extra, "personal": personal,
                                                        "date_style": "wareki"})


def test_a_form_is_an_a4_pdf_whose_text_reads_in_order():
    document = pdf.html_to_pdf(_html())
    assert document.startswith(b"%PDF-")
    assert is_a4(document)
    text = pdf_text(document)
    assert in_order(text, ["相談受付・申込票", "受付日", "氏名", "架空 花子"]) == [] and "取扱注意" in text


def test_the_japanese_font_is_embedded_as_a_subset_so_the_pdf_stays_small():
    document = pdf.html_to_pdf(_html(name="髙橋 𠮷野"))  # 髙 and 𠮷: outside JIS X 0208, still drawn
    embedded = fonts(document)
    assert embedded and all(f["emb"] == "yes" and f["sub"] == "yes" for f in embedded)
    names = " ".join(f["name"] for f in embedded)
    assert any(family.replace(" ", "-") in names for family in pdf.JAPANESE_FONTS), names
    assert "髙橋𠮷野" in pdf_text(document).replace(" ", "")
    assert len(document) < 300_000


def test_a_form_that_is_not_personal_has_no_confidential_mark():
    assert "取扱注意" not in pdf_text(pdf.html_to_pdf(_html(personal=False)))


def test_render_pdf_names_the_printer_and_marks_personal_forms(rf, settings):
    request = rf.get("/")
    request.user = type("Staff", (), {"name": "有栖 花子"})()
    text = pdf_text(pdf.render_pdf(request, "core/pdf_base.html", {"date_style": "wareki"}))
    assert in_order(text, ["印刷", "有栖 花子"]) == [] and "取扱注意" in text


@pytest.mark.parametrize("url", [
    "https://tsunagu.invalid/static/css/forms-print.css",
    "https://tsunagu.invalid/static/css/app.css",
])
def test_the_apps_own_static_files_are_read(url):
    response = pdf.StaticFilesOnly().fetch(url)
    assert response.read().startswith(b"/*")
    assert response.content_type == "text/css"


@pytest.mark.parametrize("url", [
    "https://example.com/static/css/app.css",  # another host
    "http://tsunagu.invalid/static/css/app.css",  # another scheme
    "https://tsunagu.invalid:8443/static/css/app.css",
    "https://tsunagu.invalid/static/../../../../etc/passwd",
    "https://tsunagu.invalid/static/css/%2e%2e/%2e%2e/settings.py",
    "https://tsunagu.invalid/static/css/app.css?v=1",
    "https://tsunagu.invalid/media/upload.png",
    "https://tsunagu.invalid/static/css/missing.css",
    "file:///etc/passwd",
    "data:text/css,body{color:red}",
    "ftp://example.com/x.css",
])
def test_every_other_address_is_refused_unopened(url):
    assert pdf.static_file(url) is None
    with pytest.raises(pdf.RefusedURL):
        pdf.StaticFilesOnly().fetch(url)


@pytest.fixture
def no_network(monkeypatch):
    """Every way out of the process — a name looked up, a socket connected — recorded and refused."""
    attempts = []

    def refuse(what):
        def call(*args, **kwargs):
            attempts.append((what, args[:2]))
            raise OSError(f"no network in tests: {what}")
        return call

    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    return attempts


def test_no_request_leaves_the_server_while_a_pdf_is_drawn(no_network, caplog):
    outside = """
    <link rel="stylesheet" href="https://example.com/evil.css">
    <style>@import url("http://127.0.0.1:9/x.css"); @font-face { font-family: x; src: url(https://fonts.example/x.woff2) }
    p.x { background: url(file:///etc/passwd); font-family: x }</style>
    <img src="https://example.com/track.png" alt=""><img src="//example.com/x.png" alt="">
    <p class="x">外部</p>"""
    document = pdf.html_to_pdf(_html(extra=outside))
    assert no_network == []
    assert "相談受付・申込票" in pdf_text(document)
    refused = [r.getMessage() for r in caplog.records if r.name == "tsunagu.core.pdf"]
    assert any("example.com/evil.css" in m for m in refused)
    assert any("example.com/track.png" in m for m in refused)
    assert any("file:///etc/passwd" in m for m in refused)
