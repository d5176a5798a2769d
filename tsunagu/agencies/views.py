from base64 import b32encode
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.core.dates import DateStyle
from tsunagu.core.forms import EditOutcome, save_or_conflict
from tsunagu.core.health import system_state

from . import services
from .actor import SESSION_KEY, ActorRequest, acting_memberships
from .forms import (
    AgencyForm,
    ApiTokenForm,
    DateStyleForm,
    LoginForm,
    MembershipForm,
    MembershipRoleForm,
    OtpTokenForm,
    PasswordSetForm,
    StaffCreateForm,
    StaffForm,
    StaffLockForm,
)
from .middleware import ALREADY_ENROLLED, second_factor_passed
from .models import Agency, ApiToken, Membership, Role, Staff
from .permissions import admin_required
from .queries import failed_sign_in_locks, locked_login_ids
from .services import ADMIN_GETS_NO_AGENCY_WORK
from .tokens import api_token_issue, api_token_revoke


class LoginView(auth_views.LoginView):
    template_name = "agencies/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "failure_limit": settings.AXES_FAILURE_LIMIT}


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "agencies/password_change.html"
    success_url = "/account/"

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        messages.success(self.request, "パスワードを変更しました。")
        return super().form_valid(form)


def locked_out(request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any,
               **kwargs: Any) -> HttpResponse:
    """django-axes calls this once a login id has failed too often from this address."""
    cool_off: timedelta | None = get_cool_off(request)  # django-axes is untyped
    minutes = int(cool_off.total_seconds() // 60) if cool_off is not None else None
    return render(request, "agencies/locked_out.html", {"cool_off_minutes": minutes}, status=403)


def _safe_next(request: HttpRequest, default: str = "dashboard") -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def otp_verify(request: ActorRequest) -> HttpResponse:
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", "確認コードが正しくありません。認証アプリの最新のコードを入力してください。")
    return render(request, "agencies/otp_verify.html", {"form": form, "next": _safe_next(request, "")})


def may_enrol(user: Staff) -> bool:
    """A new authenticator may be paired by a user with no confirmed device, or in a session that passed one."""
    return second_factor_passed(user) or not user_has_device(user, confirmed=True)


_PENDING_DEVICE_KEY = "otp_setup_device"


def _pending_device(request: ActorRequest) -> TOTPDevice | None:
    """This session's unconfirmed device, kept while the page is reopened so the QR code stays the same."""
    pk = request.session.get(_PENDING_DEVICE_KEY)
    return TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first() if pk else None


def _device_to_pair(request: ActorRequest) -> TOTPDevice:
    """This session's unconfirmed device, or a new one.

    A secret is shown to one session only: a new one replaces every unconfirmed device the user had (left by an
    earlier attempt or another session), so there is at most one, and it is confirmed only by a correct code.
    """
    device = _pending_device(request)
    if device is None:
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=request.user, name="認証アプリ", confirmed=False)
        request.session[_PENDING_DEVICE_KEY] = device.pk
    return device


@login_required
def otp_setup(request: ActorRequest) -> HttpResponse:
    """Pairs an authenticator app: shows a QR code (drawn here, never fetched) and confirms one code.

    Only while the user has no confirmed device, or once this session has passed one (to add a device); anyone
    else is sent to the code page with nothing written. The middleware does the same; this is the view's own check.
    """
    if not may_enrol(request.user):
        messages.info(request, ALREADY_ENROLLED)
        return redirect("otp_verify")
    adding = second_factor_passed(request.user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # One enrolment at a time per user: a device confirmed meanwhile by another session is seen here.
            Staff.objects.select_for_update().only("pk").get(pk=request.user.pk)
            if not may_enrol(request.user):
                messages.info(request, ALREADY_ENROLLED)
                return redirect("otp_verify")
            device = _pending_device(request)
            confirmed = device is not None and device.verify_token(form.cleaned_data["token"].strip())
            if device is not None and confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
        if device is not None and confirmed:
            request.session.pop(_PENDING_DEVICE_KEY, None)
            otp_login(request, device)
            messages.success(request, "認証アプリを追加しました。これまでの端末のコードも引き続き使えます。" if adding
                             else "二要素認証を設定しました。次回からログイン時に確認コードを入力します。")
            return redirect("dashboard")
        if device is None:
            form.add_error("token", "設定をやり直しました。新しい QR コードを読み取ってから、表示されたコードを入力してください。")
        else:
            form.add_error("token", "確認コードが正しくありません。時刻のずれがないか確かめてください。")
    device = _device_to_pair(request)
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")
    secret = b32encode(device.bin_key).decode()
    return render(request, "agencies/otp_setup.html",
                  {"form": form, "qr_svg": svg, "secret": secret, "adding": adding})


@login_required
@require_POST
def switch_agency(request: ActorRequest) -> HttpResponse:
    membership = next((m for m in acting_memberships(request.user) if str(m.pk) == request.POST.get("membership")), None)
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = membership.pk
    messages.info(request, f"{membership.agency.name} として操作します。")
    return redirect(_safe_next(request))


@login_required
def account(request: ActorRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = api_token_issue(staff=request.user, name=form.cleaned_data["name"])
    tokens = ApiToken.objects.filter(staff=request.user, revoked_at__isnull=True)
    date_style_form = DateStyleForm(initial={"date_style": request.user.date_style})
    return render(request, "agencies/account.html",
                  {"form": form, "tokens": tokens, "new_key": new_key, "date_style_form": date_style_form})


@login_required
@require_POST
def date_style_set(request: ActorRequest) -> HttpResponse:
    form = DateStyleForm(request.POST)
    if form.is_valid():
        services.staff_set_date_style(staff=request.user, date_style=form.cleaned_data["date_style"])
        messages.success(request, f"日付を{'西暦' if request.user.date_style == DateStyle.SEIREKI else '和暦'}で表示します。")
    else:
        messages.error(request, "日付の表示は和暦か西暦から選んでください。")
    return redirect("agencies:account")


@login_required
@require_POST
def token_revoke(request: ActorRequest, pk: int) -> HttpResponse:
    api_token_revoke(token=get_object_or_404(ApiToken, pk=pk, staff=request.user))
    messages.success(request, "APIトークンを失効させました。")
    return redirect("agencies:account")


@admin_required
def admin_home(request: ActorRequest) -> HttpResponse:
    context = {
        "agency_count": Agency.objects.filter(active=True).count(),
        "staff_count": Staff.objects.filter(is_active=True).count(),
        "locked_staff": Staff.objects.filter(login_id__in=locked_login_ids()).order_by("kana", "login_id"),
        "system": system_state(),
    }
    return render(request, "agencies/admin_home.html", context)


@admin_required
def system_state_part(request: ActorRequest) -> HttpResponse:
    """The システムの状態 box alone: the admin page polls it while a backup or restore is under way."""
    return render(request, "agencies/_system_state.html", {"system": system_state()})


@admin_required
def agency_list(request: ActorRequest) -> HttpResponse:
    agencies = Agency.objects.all()
    return render(request, "agencies/agency_list.html", {"agencies": agencies})


@admin_required
def agency_edit(request: ActorRequest, pk: int | None = None) -> HttpResponse:
    agency = get_object_or_404(Agency, pk=pk) if pk else None
    form = AgencyForm(request.POST or None, instance=agency, initial={"version": agency.version if agency else 1})
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        outcome = save_or_conflict(lambda: _agency_save(agency, form.cleaned_data), form, conflict_on_form=True)
        if outcome.saved:
            messages.success(request, "関係機関を保存しました。")
            return redirect("agencies:agency_list")
    return render(request, "agencies/agency_form.html", {"form": form, "agency": agency, "conflict": outcome.conflict})


def _agency_save(agency: Agency | None, data: dict[str, Any]) -> Agency:
    if agency is None:
        return services.agency_create(data=data)
    return services.agency_update(agency=agency, data=data, expected_version=data.get("version") or agency.version)


@admin_required
def staff_list(request: ActorRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    staff = Staff.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.filter(ended_on__isnull=True).select_related("agency"))
    )
    if query:
        staff = staff.filter(name__icontains=query) | staff.filter(login_id__icontains=query)
    page = Paginator(staff.order_by("kana", "login_id"), 50).get_page(request.GET.get("page"))
    query_string = urlencode({"q": query}) if query else ""
    return render(request, "agencies/staff_list.html", {"page": page, "query": query, "query_string": query_string})


@admin_required
def staff_create(request: ActorRequest) -> HttpResponse:
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff = services.staff_create(
                login_id=data["login_id"], name=data["name"], password=data["password"], kana=data["kana"],
                email=data["email"],
            )
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            messages.success(request, "職員を登録しました。所属を追加してください。")
            return redirect("agencies:staff_detail", pk=staff.pk)
    return render(request, "agencies/staff_form.html", {"form": form})


@admin_required
def staff_detail(request: ActorRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(Staff, pk=pk)
    form = StaffForm(request.POST or None, instance=staff, prefix="staff")
    membership_form = MembershipForm(prefix="m")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "職員情報を保存しました。")
        return redirect("agencies:staff_detail", pk=staff.pk)
    memberships = list(staff.memberships.select_related("agency", "job_role").order_by("-started_on"))
    rows = [(m, None if m.ended_on else MembershipRoleForm(initial={"role": m.role}, auto_id=f"id_role{m.pk}_%s"))
            for m in memberships]
    current_roles = {m.role for m in memberships if m.ended_on is None}
    is_admin_account = staff.is_superuser or Role.ADMIN in current_roles
    context = {
        "staff": staff, "form": form, "membership_form": membership_form, "memberships": rows,
        "failed_locks": failed_sign_in_locks(staff.login_id),
        "lock_form": StaffLockForm(), "password_form": PasswordSetForm(),
        "is_admin_account": is_admin_account,
        "admin_rule": ADMIN_GETS_NO_AGENCY_WORK,
        # an admin account holding agency work (written before the rule): it grants nothing (actor.acting_memberships)
        "mixed_roles": is_admin_account and bool(current_roles - {Role.ADMIN}),
        "token_count": ApiToken.objects.filter(staff=staff, revoked_at__isnull=True).count(),
        "is_self": staff.pk == request.user.pk,
    }
    return render(request, "agencies/staff_detail.html", context)


@admin_required
@require_POST
def membership_add(request: ActorRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(Staff, pk=pk)
    form = MembershipForm(request.POST, prefix="m")
    if form.is_valid():
        try:
            services.membership_add(staff=staff, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            messages.error(request, "所属を追加できませんでした: " + " ".join(exc.messages))
        else:
            messages.success(request, "所属を追加しました。この機関の管理者のダッシュボードに表示されます。")
    else:
        messages.error(request, "所属を追加できませんでした: " + " ".join(str(m) for e in form.errors.values() for m in e))
    return redirect("agencies:staff_detail", pk=staff.pk)


@admin_required
@require_POST
def membership_role(request: ActorRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk, ended_on__isnull=True)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "権限を変更できませんでした: 権限を選んでください。")
    else:
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
        except ValidationError as exc:
            messages.error(request, "権限を変更できませんでした: " + " ".join(exc.messages))
        else:
            messages.success(request, "権限を変更しました。この機関の管理者のダッシュボードに表示されます。")
    return redirect("agencies:staff_detail", pk=membership.staff_id)


@admin_required
@require_POST
def membership_end(request: ActorRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk, ended_on__isnull=True)
    services.membership_end(membership=membership, by=request.user)
    messages.success(request, "所属を終了しました（記録は残ります）。")
    return redirect("agencies:staff_detail", pk=membership.staff_id)


@admin_required
@require_POST
def staff_unlock(request: ActorRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(Staff, pk=pk)
    services.staff_unlock(staff=staff)
    messages.success(request, f"{staff.name} さんのロックを解除しました。")
    return redirect("agencies:staff_detail", pk=staff.pk)


@admin_required
@require_POST
def staff_lock(request: ActorRequest, pk: int) -> HttpResponse:
    """Locks an account outright (suspected compromise): its sessions end now and its API tokens are refused."""
    staff = get_object_or_404(Staff, pk=pk)
    form = StaffLockForm(request.POST)
    if not form.is_valid():
        messages.error(request, "ロックできませんでした: ロックの理由を入力してください。")
        return redirect("agencies:staff_detail", pk=staff.pk)
    try:
        services.staff_lock(staff=staff, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "ロックできませんでした: " + " ".join(exc.messages))
    else:
        messages.success(request, f"{staff.name} さんのアカウントをロックしました。ログイン中の画面は切断され、"
                                  "API トークンは解除まで使えません。")
    return redirect("agencies:staff_detail", pk=staff.pk)


@admin_required
@require_POST
def staff_password(request: ActorRequest, pk: int) -> HttpResponse:
    """The admin sets a new password for someone (forgotten, or after a lock); her sessions end."""
    staff = get_object_or_404(Staff, pk=pk)
    form = PasswordSetForm(request.POST)
    if form.is_valid():
        try:
            services.staff_set_password(staff=staff, password=form.cleaned_data["password"])
        except ValidationError as exc:
            messages.error(request, "パスワードを設定できませんでした: " + " ".join(exc.messages))
        else:
            messages.success(request, f"{staff.name} さんのパスワードを設定しました。ログイン中の画面は切断されました。")
    else:
        messages.error(request, "パスワードを設定できませんでした: パスワードを入力してください。")
    return redirect("agencies:staff_detail", pk=staff.pk)


@admin_required
@require_POST
def staff_tokens_revoke(request: ActorRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(Staff, pk=pk)
    revoked = services.api_tokens_revoke_all(staff=staff)
    messages.success(request, f"{staff.name} さんの API トークン {revoked} 件を失効させました。")
    return redirect("agencies:staff_detail", pk=staff.pk)
