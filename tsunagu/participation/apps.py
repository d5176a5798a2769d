from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.participation"
    label = "participation"
    verbose_name = "参加支援"
