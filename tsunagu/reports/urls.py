from django.urls import path

from . import survey_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("figures.xlsx", views.export, name="export"),
    path("rows/<str:key>/", views.figure_rows, name="rows"),
    path("rows/<str:key>/export.xlsx", views.figure_rows_export, name="rows_export"),
    path("publish/", views.publish, name="publish"),
    path("personal-information-files/", views.filebook, name="filebook"),
    path("public/", views.public, name="public"),
    path("public.xlsx", views.public_export, name="public_export"),
    path("survey/", survey_views.survey, name="survey"),
    path("survey.xlsx", survey_views.survey_export, name="survey_export"),
    path("targets/", views.target_list, name="targets"),
    path("targets/new/", views.target_form, name="target_new"),
    path("targets/<int:pk>/", views.target_form, name="target_edit"),
]
