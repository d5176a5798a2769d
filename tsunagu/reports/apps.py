from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save


class Config(AppConfig):
    name = "tsunagu.reports"
    label = "reports"

    def ready(self) -> None:
        from . import figures  # noqa: PLC0415 — models load only once the app registry is ready

        for label in figures.COUNTED:
            model = apps.get_model(label)
            post_save.connect(figures.figures_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-save")
            post_delete.connect(figures.figures_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-delete")
            for m2m in model._meta.many_to_many:
                m2m_changed.connect(figures.figures_changed, sender=m2m.remote_field.through,
                                    dispatch_uid=f"figures-{model.__name__}-{m2m.name}")
