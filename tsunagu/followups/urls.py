from django.urls import path

from . import views

app_name = "followups"

urlpatterns = [
    path("", views.index, name="index"),
    path("gaps/", views.gaps, name="gaps"),
    path("gaps/<slug:kind>/", views.gaps_kind, name="gaps_kind"),
    path("handover/", views.handover, name="handover"),
    path("cases/<int:case_id>/schedule/", views.schedule, name="schedule"),
    path("cases/<int:case_id>/close/", views.close, name="close"),
    path("<int:pk>/record/", views.record, name="record"),
    path("outreach/new/", views.outreach_create, name="outreach_create"),
    path("outreach/<int:pk>/", views.outreach_detail, name="outreach_detail"),
    path("outreach/<int:pk>/status/", views.outreach_status, name="outreach_status"),
]
