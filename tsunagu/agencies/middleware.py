from collections.abc import Callable
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import user_has_device
from django_otp.middleware import is_verified

from .actor import ActorRequest, actor_for
from .models import Staff

# Paths a signed-in user may reach before passing the second factor: the code page, logout, the public pages, and
# the API (it checks the second factor itself: agencies.authentication.BrowserSession). Setting up an authenticator is not here:
# it is open only while the user has no confirmed device (see _second_factor_redirect and views.otp_setup).
_OPEN_PREFIXES = ("/static/", "/account/otp/", "/logout/", "/api/", "/hsds/", "/public/")
_ENROL_PREFIX = "/account/2fa/"

ALREADY_ENROLLED = "認証アプリはすでに登録されています。先に確認コードを入力してください（別の端末の追加は、その後の設定画面からできます）。"


def second_factor_passed(user: Staff) -> bool:
    """Whether this session passed its second factor (django_otp's OTPMiddleware keeps the device on the user)."""
    return bool(is_verified(user))


class RequireTwoFactorForAdminsMiddleware:
    """A user with a TOTP device must pass it; an admin without one must set one up first.

    It also attaches `request.actor`, the staff member acting for one agency, used by every view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: ActorRequest) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated:
            # an Actor, made on first use (SimpleLazyObject stands in for it)
            request.actor = SimpleLazyObject(lambda: actor_for(user, request.session))  # type: ignore[assignment]
            redirect_to = self._second_factor_redirect(request)
            if redirect_to:
                return redirect(redirect_to)
        return self.get_response(request)

    # A session that found no device does not look again on ordinary pages: a device is only confirmed by passing
    # it (otp_login), which verifies the session; one added by someone else applies from the next sign-in. The
    # setup page always looks again, so that a session that started without a device cannot add a second one.
    NO_DEVICE_KEY = "otp_no_device"

    @classmethod
    def _second_factor_redirect(cls, request: ActorRequest) -> str | None:
        if request.path.startswith(_OPEN_PREFIXES) or second_factor_passed(request.user):
            return None
        enrolling = request.path.startswith(_ENROL_PREFIX)
        if not enrolling and request.session.get(cls.NO_DEVICE_KEY) == request.user.pk:
            return reverse("otp_setup") if request.actor.is_admin else None
        if user_has_device(request.user, confirmed=True):
            request.session.pop(cls.NO_DEVICE_KEY, None)
            if enrolling:
                messages.info(request, ALREADY_ENROLLED)
                return reverse("otp_verify")
            return reverse("otp_verify") + "?next=" + quote(request.get_full_path(), safe="/")
        request.session[cls.NO_DEVICE_KEY] = request.user.pk
        if request.actor.is_admin and not enrolling:
            return reverse("otp_setup")
        return None
