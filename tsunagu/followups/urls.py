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
    path("cases/<int:case_id>/visits/", views.visit_plan, name="visit_plan"),
    path("visits/", views.visit_route, name="visit_route"),
    path("visits/sheet/", views.visit_sheet, name="visit_sheet"),
    path("visits/sheet.pdf", views.visit_sheet_pdf, name="visit_sheet_pdf"),
    path("visits/<int:pk>/move/", views.visit_move, name="visit_move"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit_record"),
    path("outreach/", views.outreach_list, name="outreach_list"),
    path("outreach/new/", views.outreach_create, name="outreach_create"),
    path("outreach/<int:pk>/", views.outreach_detail, name="outreach_detail"),
    path("outreach/<int:pk>/status/", views.outreach_status, name="outreach_status"),
]
