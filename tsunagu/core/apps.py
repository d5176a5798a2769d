from django.apps import AppConfig


class Config(AppConfig):
    name = "tsunagu.core"
    label = "core"

    def ready(self) -> None:
        from . import lookups  # noqa: PLC0415 -- registered once the models are loaded

        lookups.register()
