"""The public directory's addresses (no login; the 2FA middleware acts only on signed-in users), under the visitor's
language: tsunagu.urls puts them in i18n_patterns, so /vi/resources/public/ is the page in Tiếng Việt, and the public
page cache (middleware.py) keeps each language's page apart by its address."""

from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.public_index, name="index"),
    path("guide/", views.public_guide, name="guide"),
    path("<str:pk>/", views.public_detail, name="detail"),
]
