from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.people"
    label = "people"
