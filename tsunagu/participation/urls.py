"""Included under /resources/placements/ (tsunagu/urls.py): the addresses placements had in the directory."""

from django.urls import path

from . import views

app_name = "participation"
urlpatterns = [
    path("case/<int:case_pk>/", views.placement_new, name="placement_new"),
    path("<int:pk>/", views.placement_detail, name="placement_detail"),
    path("<int:pk>/check-in/", views.placement_check_in, name="placement_check_in"),
    path("<int:pk>/end/", views.placement_end, name="placement_end"),
]
