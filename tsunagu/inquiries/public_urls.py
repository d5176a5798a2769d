"""The public form's addresses, under the language (tsunagu.urls: i18n_patterns → /<language>/help/)."""

from django.urls import path

from . import views

app_name = "help"
urlpatterns = [
    path("", views.request_form, name="form"),
    path("sent/", views.sent, name="sent"),
    path("sent/urgent/", views.sent, {"urgent": True}, name="sent_urgent"),
]
