"""Server-side PDF: a template rendered as an A4 PDF by WeasyPrint, for the national 帳票 and the 同意書.

- The page is a template like any other (rendered with the request, so `date_style` and the rest of the shell's
  context are there), laid out by `static/css/forms-print.css`: A4, the Japanese font, 取扱注意 at the top of every
  page of a personal form, page numbers at the foot.
- The Japanese font is the one fontconfig finds for 「BIZ UDPGothic」, else 「Noto Sans CJK JP」 (Debian's
  fonts-morisawa-bizud-gothic and fonts-noto-cjk, installed by `make setup` and `.ci/run` from
  scripts/debian-packages.txt). WeasyPrint embeds only the glyphs a document uses (a subset): a one-page form is a
  few tens of kilobytes.
- Nothing is fetched from anywhere: the document's base address is a host that cannot resolve (`.invalid`, RFC 6761),
  and its fetcher answers only the app's own static files, read from disk through Django's finders; any other
  address — another host, `file:`, `data:`, a path outside the static files — is refused before anything is opened.
  Tsunagu runs on a closed network (NATIONAL.md, 三層の対策): a print must not reach out of it.
- One fontconfig set-up per thread, kept between renders: building it costs more than laying out a form.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

ORIGIN = "https://tsunagu.invalid"  # the documents' base: a reserved name that never resolves
BASE_URL = ORIGIN + "/"
JAPANESE_FONTS = ("BIZ UDPGothic", "Noto Sans CJK JP")  # as static/css/forms-print.css names them

_fonts = threading.local()


class RefusedURL(ValueError):
    """A print asked for something that is not one of the app's own static files."""


def static_file(url: str) -> Path | None:
    """The file of the app's own static files that `url` names (resolved against BASE_URL), or None."""
    parts = urlsplit(url)
    prefix = settings.STATIC_URL
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN or not parts.path.startswith(prefix) or parts.query:
        return None
    relative = unquote(parts.path[len(prefix):])
    found = finders.find(relative) if relative and ".." not in relative.split("/") else None
    return Path(found) if isinstance(found, str) else None


class StaticFilesOnly(URLFetcher):  # type: ignore[misc]  # weasyprint ships no types
    """WeasyPrint's fetcher, answering only the app's static files and refusing every other address unopened."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = static_file(url)
        if path is None:
            logger.warning("PDF: refused to fetch %s (only the app's own static files are read)", url[:200])
            raise RefusedURL(f"帳票の印刷では外部のアドレスを読みません: {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def _font_config() -> FontConfiguration:
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def html_to_pdf(html: str) -> bytes:
    """An HTML document (its static files named by their /static/ paths) as PDF bytes."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly(fail_on_errors=False))
    pdf: bytes = document.write_pdf(font_config=_font_config())
    return pdf


def render_pdf(request: HttpRequest | None, template: str, context: dict[str, Any], *, personal: bool = True) -> bytes:
    """`template` (extending core/pdf_base.html) as an A4 PDF; `personal` prints 取扱注意 on every page. The header
    says when it was printed and by whom (the signed-in staff member's name)."""
    printed_by = getattr(getattr(request, "user", None), "name", "")
    page = {"personal": personal, "printed_at": timezone.now(), "printed_by": printed_by, **context}
    return html_to_pdf(render_to_string(template, page, request=request))


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """The PDF shown in the browser's viewer (inline), never kept by a cache: a print may hold personal data.
    `filename` names the form, never the person (it is seen in download folders and proxies' logs)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
