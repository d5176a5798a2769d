from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.audit"
    label = "audit"
