from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.cases"
    label = "cases"
