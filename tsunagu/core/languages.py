"""The languages of the public pages (住民の入口): the language is in the address (/vi/help/, Django's i18n_patterns),
so a page kept by the public page cache (resources.middleware) is kept once per language and address.

Staff pages stay in Japanese whatever the browser asks for: Django's LocaleMiddleware would follow Accept-Language
(and translate Django's own messages on staff forms); `PublicLocaleMiddleware` takes the language from the address
alone and falls back to LANGUAGE_CODE. The only language cookie is functional: the language switch sets it, and an
address without a language (/help/, /resources/public/) is redirected by it (else by Accept-Language, else ja).
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

PUBLIC_PREFIXES = ("help/", "resources/public/")


_PREFIX = re.compile(r"^/([a-z]{2}(?:-[a-z0-9]{1,8}){0,2})/", re.IGNORECASE)


def language_of(path: str) -> str | None:
    """The public language an address starts with (/vi/…), exactly as LANGUAGES names it, or None."""
    match = _PREFIX.match(path)
    code = match[1].lower() if match else None
    return code if code in dict(settings.LANGUAGES) else None


class PublicLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = language_of(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # as Django's LocaleMiddleware sets it
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def _chosen_language(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return translation.get_language_from_request(request)  # Accept-Language, else LANGUAGE_CODE


@require_GET
def redirect_to_language(request: HttpRequest, rest: str) -> HttpResponseRedirect:
    """A public address without a language: to the same page in the visitor's language."""
    query = request.META.get("QUERY_STRING", "")
    response = HttpResponseRedirect(f"/{_chosen_language(request)}/{rest}" + (f"?{query}" if query else ""))
    response["Vary"] = "Cookie, Accept-Language"
    return response


@require_GET
def switch(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """The language switch: remembers the language (the functional cookie) and opens `next` in it. `next` is a
    public address without its language (help/sent/), anything else opens the resource directory."""
    if code not in dict(settings.LANGUAGES):
        code = settings.LANGUAGE_CODE
    rest = request.GET.get("next", "").lstrip("/")
    if not rest.startswith(PUBLIC_PREFIXES) or not url_has_allowed_host_and_scheme(f"/{rest}", allowed_hosts=None):
        rest = "resources/public/guide/"
    response = HttpResponseRedirect(f"/{code}/{rest}")
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
                        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
                        httponly=True)
    return response
