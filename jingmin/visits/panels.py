"""Sections other apps add to "My beat today", found through the app registry (visits imports none of
them). An app contributes ``<app>/today.py`` with ``panel(request)`` returning ``(template, context)``
— the template is included in the page with the context merged into the page's — or None."""

import importlib

from django.apps import apps


def today_panels(request):
    """[(template, context)] of every installed app that adds a section for this user, registry order."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.today"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        result = module.panel(request)
        if result is not None:
            found.append(result)
    return found
