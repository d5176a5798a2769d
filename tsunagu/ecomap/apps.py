from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.ecomap"
    label = "ecomap"
