from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.people"
    label = "people"

    def ready(self):
        from django.db.models.signals import post_save

        from . import search_index
        from .models import Household, Person

        for model in (Person, Household):
            post_save.connect(search_index.after_save, sender=model, dispatch_uid=f"people-grams-{model.__name__}")
