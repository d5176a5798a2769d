from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.meetings"
    label = "meetings"
