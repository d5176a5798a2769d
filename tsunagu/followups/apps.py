from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.followups"
    label = "followups"
