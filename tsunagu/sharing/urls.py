"""Sharing's screens live at the addresses of the person and household they act on (included under /people/)."""

from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("<int:pk>/consents/", views.consent_add, name="consent_add"),
    path("<int:pk>/consents/sheet/", views.consent_sheet, name="consent_sheet"),
    path("<int:pk>/consents/sheet.pdf", views.consent_sheet_pdf, name="consent_sheet_pdf"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
    path("<int:pk>/vital-interest/", views.vital_interest_add, name="vital_interest_add"),
    path("households/<int:pk>/propose-meeting/", views.household_propose_meeting, name="household_propose_meeting"),
]
