"""How apps plug into the shell without the shell importing them by name.

Each Tsunagu app may have `dashboard.py` (a `panels(actor)` function), `api.py` (a ninja `router`) and
`demo.py` (a `generate(ctx)` function). The shell finds them in INSTALLED_APPS order, lowest layer first.
"""

from functools import cache
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def tsunagu_apps() -> list[str]:
    return [a.name for a in apps.get_app_configs() if a.name.startswith("tsunagu.")]


@cache
def app_modules(submodule: str) -> tuple[ModuleType, ...]:
    found = []
    for name in tsunagu_apps():
        if find_spec(f"{name}.{submodule}") is not None:
            found.append(import_module(f"{name}.{submodule}"))
    return tuple(found)
