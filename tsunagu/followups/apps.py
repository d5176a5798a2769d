from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save


class Config(AppConfig):
    name = "tsunagu.followups"
    label = "followups"

    def ready(self) -> None:
        from . import gaps  # noqa: PLC0415 — models load only once the app registry is ready

        for label in gaps.READ:
            model = apps.get_model(label)
            post_save.connect(gaps.gaps_changed, sender=model, dispatch_uid=f"gaps-{label}-save")
            post_delete.connect(gaps.gaps_changed, sender=model, dispatch_uid=f"gaps-{label}-delete")
