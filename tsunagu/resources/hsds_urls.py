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
    path("taxonomies", hsds_views.taxonomies, name="taxonomies"),
    path("taxonomies/<str:pk>", hsds_views.taxonomy_detail, name="taxonomy_detail"),
    path("taxonomy_terms", hsds_views.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:pk>", hsds_views.taxonomy_term_detail, name="taxonomy_term_detail"),
    path("service_at_locations", hsds_views.service_at_locations, name="service_at_locations"),
    path("service_at_locations/<str:pk>", hsds_views.service_at_location_detail, name="service_at_location_detail"),
]
