from django.urls import path

from . import views

app_name = "inquiries"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/pass/", views.pass_to, name="pass"),
]
