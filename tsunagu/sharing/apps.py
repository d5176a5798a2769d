from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.sharing"
    label = "sharing"
