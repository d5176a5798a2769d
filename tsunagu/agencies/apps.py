from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.agencies"
    label = "agencies"
