from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import user_has_device

from .actor import actor_for

# Paths a signed-in user may reach before passing the second factor.
_OPEN_PREFIXES = ("/static/", "/account/otp/", "/account/2fa/", "/logout/", "/api/", "/hsds/", "/public/")


class RequireTwoFactorForAdminsMiddleware:
    """A user with a TOTP device must pass it; an admin without one must set one up first.

    It also attaches `request.actor`, the staff member acting for one agency, used by every view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            request.actor = SimpleLazyObject(lambda: actor_for(user, request.session))
            redirect_to = self._second_factor_redirect(request)
            if redirect_to:
                return redirect(redirect_to)
        return self.get_response(request)

    # A session that found no device does not look again: a device is only confirmed by passing it (otp_login),
    # which verifies the session; one added by someone else applies from the next sign-in.
    NO_DEVICE_KEY = "otp_no_device"

    @classmethod
    def _second_factor_redirect(cls, request) -> str | None:
        if request.path.startswith(_OPEN_PREFIXES) or request.user.is_verified():
            return None
        if request.session.get(cls.NO_DEVICE_KEY) == request.user.pk:
            return reverse("otp_setup") if request.actor.is_admin else None
        if user_has_device(request.user, confirmed=True):
            return reverse("otp_verify") + f"?next={request.get_full_path()}"
        request.session[cls.NO_DEVICE_KEY] = request.user.pk
        if request.actor.is_admin:
            return reverse("otp_setup")
        return None
