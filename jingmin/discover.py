"""Find what each installed app contributes through a module of its own (``demo.py``, ``seeds.py``,
``importers.py``, ``layers.py`` …), by asking Django's app registry: nothing lower imports an app by name.

Floor 0: imports Django only.
"""

import importlib

from django.apps import apps


def app_modules(name):
    """(label, module) for every installed app that has ``<app>.<name>``, in INSTALLED_APPS order.

    An app without the module is skipped; an error *inside* the module is raised, not hidden.
    """
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.{name}")
        except ModuleNotFoundError as exc:
            target = f"{config.name}.{name}"
            if exc.name != target and not target.startswith(f"{exc.name}."):
                raise  # a module the contribution itself imports is missing: a real error
            continue
        found.append((config.label, module))
    return found
