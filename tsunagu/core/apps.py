from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.core"
    label = "core"
