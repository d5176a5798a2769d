from django.apps import AppConfig
from django.db.models.signals import post_save


class Config(AppConfig):
    name = "tsunagu.linkage"
    label = "linkage"

    def ready(self):
        from tsunagu.people.models import Person  # noqa: PLC0415 — models load only once the app registry is ready

        from . import services  # noqa: PLC0415 — services imports models

        post_save.connect(services.person_keys_forget, sender=Person, dispatch_uid="linkage-keys-archived")
