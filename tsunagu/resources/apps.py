from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.resources"
    label = "resources"
