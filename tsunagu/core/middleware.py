import json
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# No inline script or style anywhere: everything comes from /static/, so the policy can stay this strict.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


NULL_CHARACTER_MESSAGE = "送られた内容に使えない文字（NUL 文字）が含まれています。入力を確かめてください。"
_JSON_PREFIXES = ("/api/", "/hsds/")

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class RejectNullCharactersMiddleware:
    """Answers 400 to a request whose address, query or JSON body carries a NUL character (U+0000).

    PostgreSQL cannot store or compare one, so a search for it would end in a server error; SQLite would store it
    where nothing can show it. Forms refuse it field by field (Django's CharField validator); this covers what
    reaches a query without a form: search boxes, filters, ids in the address, and the JSON API's bodies."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self._carries_nul(request):
            if request.path.startswith(_JSON_PREFIXES):
                return JsonResponse({"detail": NULL_CHARACTER_MESSAGE}, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponse(NULL_CHARACTER_MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                        for key, values in request.GET.lists()):
            return True
        if request.content_type == "application/json":
            body = request.body
            # the escape is looked for first (cheap); only then is the body parsed, to tell it from a text "\\u0000"
            return b"\x00" in body or (b"\\u0000" in body and "\x00" in _json_strings(body))
        return False


def _json_strings(body: bytes) -> str:
    """Every key and string value of a JSON body, joined (an unparsable body gives "": the view answers it)."""
    try:
        document = json.loads(body)
    except ValueError:
        return ""
    found: list[str] = []
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            found.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return "".join(found)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class IdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_SECONDS without a request.

    The last-seen time is written at most once a minute, so a busy session does not write on every request.
    """

    KEY = "last_seen"
    WRITE_EVERY = 60

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            now = int(time.time())
            last_seen = request.session.get(self.KEY, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, "一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。")
                return redirect(f"{reverse('login')}?next={request.path}")
            if now - last_seen >= self.WRITE_EVERY or self.KEY not in request.session:
                request.session[self.KEY] = now
        return self.get_response(request)
