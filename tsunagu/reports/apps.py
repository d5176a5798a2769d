from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.reports"
    label = "reports"
