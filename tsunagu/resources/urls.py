from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("stale/", views.stale, name="stale"),
    path("export.xlsx", views.export_excel, name="export_excel"),
    path("import/", views.import_excel, name="import_excel"),
    path("hsds.zip", views.export_hsds, name="export_hsds"),
    path("hsds-import/", views.hsds_import, name="hsds_import"),
    path("hsds-import/<int:pk>/", views.hsds_import_detail, name="hsds_import_detail"),
    path("offers/", views.offers, name="offers"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/status/", views.offer_status, name="offer_status"),
    path("needs/", views.needs, name="needs"),
    path("needs/<int:pk>/met/", views.need_met, name="need_met"),
    path("community/", views.community, name="community"),
    path("community/<int:pk>/", views.community_place, name="community_place"),
    # The public pages (no login) are in public_urls.py, under the visitor's language: /<language>/resources/public/.
    path("<str:pk>/", views.detail, name="detail"),
    path("<str:pk>/edit/", views.edit, name="edit"),
    path("<str:pk>/verify/", views.verify, name="verify"),
    path("<str:pk>/vacancy/", views.vacancy, name="vacancy"),
    path("<str:pk>/archive/", views.archive, name="archive"),
]
