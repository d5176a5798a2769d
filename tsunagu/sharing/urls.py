"""Sharing's screens live at the addresses of the person and household they act on (included under /people/)."""

from django.urls import path

from . import rights_views, views

app_name = "sharing"

urlpatterns = [
    path("<int:pk>/consents/", views.consent_add, name="consent_add"),
    path("<int:pk>/consents/sheet/", views.consent_sheet, name="consent_sheet"),
    path("<int:pk>/consents/sheet.pdf", views.consent_sheet_pdf, name="consent_sheet_pdf"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
    path("<int:pk>/vital-interest/", views.vital_interest_add, name="vital_interest_add"),
    path("households/<int:pk>/propose-meeting/", views.household_propose_meeting, name="household_propose_meeting"),
    # 本人の権利: 支援チームのお知らせ, 開示請求, 転出・転入
    path("<int:pk>/team-letter/", rights_views.team_letter, name="team_letter"),
    path("disclosure-requests/", rights_views.disclosure_requests, name="disclosure_requests"),
    path("disclosure-requests/implementing-bodies/", rights_views.implementing_bodies, name="implementing_bodies"),
    path("disclosure-requests/<int:pk>/bundle.pdf", rights_views.disclosure_bundle, name="disclosure_bundle"),
    path("cases/<int:pk>/move-out/", rights_views.move_out_view, name="move_out"),
    path("move-ins/", rights_views.move_ins, name="move_ins"),
]
