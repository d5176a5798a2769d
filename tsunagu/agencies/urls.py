from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns_root = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/otp/", views.otp_verify, name="otp_verify"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/2fa/setup/", views.otp_setup, name="otp_setup"),
]

app_name = "agencies"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/date-style/", views.date_style_set, name="date_style_set"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/switch-agency/", views.switch_agency, name="switch_agency"),
    path("admin/", views.admin_home, name="admin_home"),
    path("admin/system/", views.system_state_part, name="system_state"),
    path("admin/agencies/", views.agency_list, name="agency_list"),
    path("admin/agencies/new/", views.agency_edit, name="agency_create"),
    path("admin/agencies/<int:pk>/", views.agency_edit, name="agency_edit"),
    path("admin/staff/", views.staff_list, name="staff_list"),
    path("admin/staff/new/", views.staff_create, name="staff_create"),
    path("admin/staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("admin/staff/<int:pk>/memberships/", views.membership_add, name="membership_add"),
    path("admin/staff/<int:pk>/unlock/", views.staff_unlock, name="staff_unlock"),
    path("admin/staff/<int:pk>/lock/", views.staff_lock, name="staff_lock"),
    path("admin/staff/<int:pk>/password/", views.staff_password, name="staff_password"),
    path("admin/staff/<int:pk>/tokens/revoke/", views.staff_tokens_revoke, name="staff_tokens_revoke"),
    path("admin/memberships/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("admin/memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
]
