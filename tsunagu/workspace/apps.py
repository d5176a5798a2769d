from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.workspace"
    label = "workspace"
