"""Optimistic locking: a save states the version it was edited from; a newer version in the database wins nothing
silently. The caller shows both versions and lets the person decide.

Models using it have `version = models.PositiveIntegerField(default=1, editable=False)`.
"""

from django.db import models, transaction
from django.db.models import F


class EditConflict(Exception):
    """Someone saved a newer version since this edit began. `current` is that version, fresh from the database."""

    message = "この記録は、あなたが編集を始めた後に他の人が更新しました。両方の内容を見比べて、もう一度保存してください。"

    def __init__(self, current: models.Model):
        super().__init__(self.message)
        self.current = current


@transaction.atomic
def save_versioned(instance: models.Model, *, expected_version: int, fields: list[str]) -> models.Model:
    """Writes `fields` of `instance` only if the stored version is still `expected_version`; bumps the version.

    simple_history (where the model has it) records the new version, because the save goes through `save()`.
    """
    model = type(instance)
    locked = model.objects.select_for_update().get(pk=instance.pk)
    if locked.version != expected_version:
        raise EditConflict(locked)
    instance.version = expected_version + 1
    instance.save(update_fields=[*fields, "version"])
    return instance


def bump_version_query(model: type[models.Model], pk, expected_version: int) -> int:
    """For bulk paths that must not load the row: returns 1 when the version matched and was bumped."""
    return model.objects.filter(pk=pk, version=expected_version).update(version=F("version") + 1)
