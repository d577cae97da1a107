"""The demo orchestrator: every app contributes its own seeds and demo data, found through the app registry.

An app may hold

* ``seeds.py`` with ``ensure()`` — the default configuration a real deployment needs too (categories,
  rules, templates); idempotent. ``jingmin seed`` and the demo run every app's seeds.
* ``demo.py`` with ``load(world)`` — invented demo data; idempotent (running the demo twice changes
  nothing). An optional ``AFTER = ("places", ...)`` names the app labels whose demo must run first;
  otherwise apps run in ``INSTALLED_APPS`` order.

``world`` carries what the demo shares: ``units`` (the demo bureau, precinct, station and two beats by
name, filled by org's demo) and the command's ``stdout``. Nothing here imports an app: it asks the registry, so the floors stay floors and a new app only adds its own modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from jingmin.discover import app_modules


@dataclass
class World:
    units: dict = field(default_factory=dict)
    stdout: object = None


def ordered(found):
    """Topological order by each module's ``AFTER``, keeping the registry order otherwise."""
    by_label = dict(found)
    done, order, visiting = set(), [], set()

    def visit(label):
        if label in done or label not in by_label:
            return
        if label in visiting:
            raise ValueError(f"demo dependency loop through {label}")
        visiting.add(label)
        for before in getattr(by_label[label], "AFTER", ()):
            visit(before)
        visiting.discard(label)
        done.add(label)
        order.append((label, by_label[label]))

    for label, _module in found:
        visit(label)
    return order


def demo_modules():
    return ordered([(label, m) for label, m in app_modules("demo") if hasattr(m, "load")])


def seed_modules():
    return [(label, m) for label, m in app_modules("seeds") if hasattr(m, "ensure")]


def seed_all():
    """Every app's default configuration (idempotent)."""
    with transaction.atomic():
        for _label, module in seed_modules():
            module.ensure()


@transaction.atomic
def load_all(stdout=None):
    """Seeds, then every app's demo in dependency order; returns the world (``world.units``)."""
    seed_all()
    world = World(stdout=stdout)
    for _label, module in demo_modules():
        module.load(world)
    return world
