from django.urls import path

from . import views

app_name = "ecomap"

urlpatterns = [
    path("households/<int:pk>/", views.household, name="household"),
    path("households/<int:pk>/genogram.svg", views.genogram_svg, name="genogram_svg"),
    path("households/<int:pk>/ecomap.svg", views.household_ecomap_svg, name="household_ecomap_svg"),
    path("households/<int:pk>/diagrams/", views.household_diagrams, name="household_diagrams"),
    path("households/<int:pk>/figures/", views.figure_add, name="figure_add"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/ecomap.svg", views.case_svg, name="case_svg"),
    path("cases/<int:pk>/diagrams/", views.case_diagrams, name="case_diagrams"),
    path("cases/<int:pk>/ties/", views.tie_add, name="tie_add"),
    path("ties/<int:pk>/end/", views.tie_end, name="tie_end"),
]
