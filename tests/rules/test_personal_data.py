"""The registry of personal data (tsunagu.rules.personal_data) against the models: every personal model is listed,
every one of its fields is either a 記録項目 or named as not one, and the registry's `history` flag is the model's.

A personal model is a person or household, or one that refers to a personal model (followed to the end). So a new
personal field, or a new personal model, fails here until the registry — and with it the 個人情報ファイル簿 — names it."""

import pytest
from django.apps import apps

from tsunagu.rules import personal_data as registry
from tsunagu.sharing import policy

ROOTS = {"people.Person", "people.Household"}


def _ours():
    return [m for m in apps.get_models() if m.__module__.startswith("tsunagu") and not m.__name__.startswith("Historical")]


def _personal_models():
    personal = {m for m in _ours() if m._meta.label in ROOTS}
    grown = True
    while grown:
        grown = False
        for model in _ours():
            if model in personal:
                continue
            if any(f.is_relation and not f.auto_created and (f.concrete or f.many_to_many) and f.related_model in personal
                   for f in model._meta.get_fields()):
                personal.add(model)
                grown = True
    return personal


def _fields(model) -> set[str]:
    return {f.name for f in model._meta.get_fields() if f.concrete or (f.many_to_many and not f.auto_created)}


def test_every_personal_model_is_in_the_registry():
    missing = sorted(m._meta.label for m in _personal_models() if m._meta.label not in registry.MODELS)
    assert missing == [], f"個人情報を持つモデルが tsunagu/rules/personal_data.py にありません: {missing}"


@pytest.mark.parametrize("label", sorted(registry.MODELS))
def test_every_field_is_known(label):
    model = apps.get_model(label)
    entry = registry.MODELS[label]
    known = set(entry.items) | set(entry.other)
    assert not set(entry.items) & set(entry.other), f"{label}: 記録項目とそれ以外の両方にある項目"
    unknown, gone = _fields(model) - known, known - _fields(model)
    assert unknown == set(), f"{label} の項目 {sorted(unknown)} を tsunagu/rules/personal_data.py に加えてください"
    assert gone == set(), f"{label} にない項目 {sorted(gone)} が登録されています"
    assert entry.file in registry.BY_FILE


@pytest.mark.parametrize("label", sorted(registry.MODELS))
def test_history_is_kept_as_the_registry_says(label):
    assert hasattr(apps.get_model(label), "history") is registry.MODELS[label].history, label


def test_every_model_the_policy_reads_is_registered():
    assert {m._meta.label for m in policy.KINDS} <= set(registry.MODELS)


def test_a_new_personal_field_fails_the_check():
    """What happens when a model gains a field the registry does not know (here, one pretended onto Person)."""
    entry = registry.MODELS["people.Person"]
    pretended = {*_fields(apps.get_model("people.Person")), "religion"}
    assert pretended - (set(entry.items) | set(entry.other)) == {"religion"}
