from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.linkage"
    label = "linkage"
