from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save

from .search_index import ensure_after_migrate


class Config(AppConfig):
    name = "tsunagu.resources"
    label = "resources"

    def ready(self) -> None:
        # Table rebuilds during migrations drop SQLite triggers; put the search indexes right afterwards.
        post_migrate.connect(ensure_after_migrate, sender=self, dispatch_uid="resources-search-index")
        # Every write of the directory's HSDS tables — what the public pages show — makes a new `directory` token,
        # the key of those pages in the cache (middleware.py). Writes that bypass the signals (hsds.publish's
        # removals, the demo's bulk load) call directory_changed themselves.
        from .models import HsdsModel  # noqa: PLC0415 — models load only once the app registry is ready
        from .services import directory_changed  # noqa: PLC0415 — models load only once the app registry is ready

        for model in self.get_models():
            if issubclass(model, HsdsModel):
                post_save.connect(directory_changed, sender=model, dispatch_uid=f"directory-{model.__name__}-save")
                post_delete.connect(directory_changed, sender=model, dispatch_uid=f"directory-{model.__name__}-delete")
