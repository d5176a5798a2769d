"""The public directory pages served from the cache, ahead of sessions, authentication, OTP and messages.

A visitor without a session sees the same public page as every other such visitor, so the page is rendered once
per directory version and address and then answered from the cache. This middleware sits early in MIDDLEWARE
(right after the security and CSP middleware, which still add their headers), so an answer from the cache costs
one small query — the directory version (the `directory` token of core.versions, one row read by its key), read on
every request so that an edit shows at once — and none of the rest of the stack. Without that row (a flushed
database) nothing is cached.

What may be stored is narrow on purpose:
  - only GET requests under the public pages' address, from a visitor with neither a session cookie nor a messages
    cookie (anyone signed in, or with a message waiting, goes through the whole stack and is never cached);
  - only answers that the view marked as a public page (`mark_public`), with status 200 and no cookie set;
the views render those pages from `queries.public_services()` only and without a CSRF token, so a stored page
holds nothing that belongs to one visitor or that only staff may see.

The answer carries an ETag (a hash of its content); a browser that sends it back gets 304 Not Modified.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from tsunagu.core.languages import language_of

from . import queries

PUBLIC_PATH = "/resources/public/"
CACHE_SECONDS = 300
CACHE_PREFIX = "resources:public-page:"
_MARK = "_tsunagu_public_page"
# Browsers may keep the page but must ask again each time (answered by 304 while nothing changed): an edit shows
# at once for them too.
CACHE_CONTROL = "no-cache"


def mark_public(response: HttpResponse) -> HttpResponse:
    """Called by the public views: this answer is the same for every visitor without a session."""
    setattr(response, _MARK, True)
    return response


def page_key(full_path: str) -> str | None:
    version = queries.directory_version()
    if version is None:
        return None
    return CACHE_PREFIX + hashlib.sha256(f"{version}|{full_path}".encode()).hexdigest()


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._may_use_cache(request):
            return self.get_response(request)
        key = page_key(request.get_full_path())
        if key is None:
            return self.get_response(request)
        stored = cache.get(key)
        if stored is None:
            response = self.get_response(request)
            stored = _snapshot(request, response)
            if stored is None:
                return response
            cache.set(key, stored, CACHE_SECONDS)
        return _answer(request, stored)

    def _may_use_cache(self, request) -> bool:
        if request.method != "GET":
            return False
        language = language_of(request.path_info)  # each language's page under its own address (/vi/resources/public/)
        if language is None or not request.path_info.startswith(f"/{language}{PUBLIC_PATH}"):
            return False
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
            return False
        request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware would check it: DisallowedHost answers 400
        return True


def _snapshot(request, response) -> dict | None:
    """What is kept of a freshly rendered public page, or None when it must not be kept."""
    user = getattr(request, "user", None)
    if (not getattr(response, _MARK, False) or response.status_code != 200 or response.streaming
            or response.cookies or (user is not None and user.is_authenticated)):
        return None
    headers = [(name, value) for name, value in response.items()
               if name.lower() not in {"content-length", "etag", "cache-control"}]
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    return {"content": response.content, "headers": headers, "etag": etag}


def _answer(request, stored: dict) -> HttpResponse:
    response = HttpResponse(stored["content"])
    for name, value in stored["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(stored["content"]))
    response["ETag"] = stored["etag"]
    response["Cache-Control"] = CACHE_CONTROL
    return get_conditional_response(request, etag=stored["etag"], response=response) or response  # None only without a response
