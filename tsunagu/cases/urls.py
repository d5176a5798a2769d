from django.urls import path

from . import form_views, views

app_name = "cases"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, name="export"),
    path("case-list.pdf", form_views.case_list_pdf, name="case_list_pdf"),
    path("case-list.xlsx", form_views.case_list_xlsx, name="case_list_xlsx"),
    path("<int:pk>/progress.pdf", form_views.progress_list_pdf, name="progress_list_pdf"),
    path("<int:pk>/progress.xlsx", form_views.progress_list_xlsx, name="progress_list_xlsx"),
    path("<int:pk>/multiagency/<slug:key>.pdf", form_views.multiagency_pdf, name="multiagency_pdf"),
    path("intake/", views.intake, name="intake"),
    path("intake/suggest/", views.intake_suggest, name="intake_suggest"),
    path("intake/inquiry/", views.inquiry_create, name="inquiry_create"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("<int:pk>/transfer/", views.case_transfer, name="case_transfer"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/concerns/", views.person_concern_add, name="person_concern_add"),
    path("<int:pk>/plans/new/", views.plan_create, name="plan_create"),
    path("<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path("notes/<int:pk>/", views.note_edit, name="note_edit"),
    path("plans/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/agree/", views.plan_agree, name="plan_agree"),
    path("plans/<int:pk>/reviews/", views.plan_review_add, name="plan_review_add"),
    path("plans/<int:pk>/print/", views.plan_print, name="plan_print"),
    path("plans/<int:pk>/print.pdf", views.plan_pdf, name="plan_pdf"),
    path("consultations/<int:pk>/print/", views.consultation_print, name="consultation_print"),
    path("consultations/<int:pk>/print.pdf", views.consultation_pdf, name="consultation_pdf"),
    path("consultations/<int:pk>/void/", views.consultation_void, name="consultation_void"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/overdue/", views.overdue, name="overdue"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("<int:pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("<int:pk>/members/<int:person_pk>/assessment.pdf", views.member_assessment_pdf,
         name="member_assessment_pdf"),
    path("inquiries/", views.inquiries, name="inquiries"),
    path("inquiries/<int:pk>/answer/", views.inquiry_answer, name="inquiry_answer"),
    path("disclosures/<int:pk>/review/", views.disclosure_review, name="disclosure_review"),
    path("notifications/", views.notifications, name="notifications"),
]
