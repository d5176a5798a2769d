"""白紙の帳票 (cases.prints), under /cases/forms/."""

from django.urls import path

from . import prints

app_name = "prints"

urlpatterns = [
    path("", prints.blank_forms, name="blank_forms"),
    path("<slug:key>.pdf", prints.blank_form_pdf, name="blank_form_pdf"),
]
