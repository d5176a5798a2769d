from django.apps import AppConfig
from django.db.models.signals import post_save


class Config(AppConfig):
    name = "tsunagu.people"
    label = "people"

    def ready(self):
        from . import search_index  # noqa: PLC0415 — models load only once the app registry is ready (search_index imports them)
        from .models import Household, Person  # noqa: PLC0415 — models load only once the app registry is ready

        for model in (Person, Household):
            post_save.connect(search_index.after_save, sender=model, dispatch_uid=f"people-grams-{model.__name__}")
