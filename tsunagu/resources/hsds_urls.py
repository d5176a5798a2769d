"""Mounted at /hsds/ in tsunagu/urls.py: the public HSDS 3.0 API."""

from django.urls import path

from . import hsds_views

app_name = "hsds"
urlpatterns = [
    path("", hsds_views.root, name="root"),
    path("openapi.json", hsds_views.openapi, name="openapi"),
    path("services", hsds_views.services, name="services"),
    path("services/<str:pk>", hsds_views.service_detail, name="service_detail"),
    path("organizations", hsds_views.organizations, name="organizations"),
    path("organizations/<str:pk>", hsds_views.organization_detail, name="organization_detail"),
]
