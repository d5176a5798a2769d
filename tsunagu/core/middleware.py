import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
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


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class IdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_SECONDS without a request.

    The last-seen time is written at most once a minute, so a busy session does not write on every request.
    """

    KEY = "last_seen"
    WRITE_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
