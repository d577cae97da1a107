"""Floors that only point down: geo (projections, point location, boundaries, the map-layer framework)
imports no domain app, org imports nothing of geo, and places and people do not import each other.
A failure names the offending module and import."""

import ast
from pathlib import Path

import jingmin

ROOT = Path(jingmin.__file__).resolve().parent
DOMAIN = ("places", "people", "visits", "analytics", "messaging")
CONTRACTS = [
    ("geo", DOMAIN),
    ("org", ("geo",)),
    ("places", ("people",)),
    ("people", ("places",)),
]


def imported(path):
    """The ``jingmin.*`` modules a file imports (absolute imports, at any depth in the file)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "jingmin":  # from jingmin import places
                for alias in node.names:
                    yield node.lineno, f"jingmin.{alias.name}"
            else:
                yield node.lineno, node.module


def app_of(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "jingmin" else None


def edges(app):
    """(file, line, imported app) for every non-test module of ``app``."""
    for path in sorted((ROOT / app).rglob("*.py")):
        if "tests" in path.relative_to(ROOT).parts:
            continue
        for line, module in imported(path):
            yield path.relative_to(ROOT.parent), line, module, app_of(module)


def violations():
    found = set()
    for app, forbidden in CONTRACTS:
        for path, line, module, target in edges(app):
            if target in forbidden:
                found.add(f"{path}:{line} imports {module} ({app} must not import {target})")
    return sorted(found)


def test_floors_only_point_down():
    assert violations() == []


def test_an_upward_import_is_found_and_named(tmp_path, monkeypatch):
    fake = tmp_path / "jingmin"
    (fake / "geo").mkdir(parents=True)
    (fake / "geo" / "bad.py").write_text("def f():\n    from jingmin.places.models import Place\n")
    (fake / "geo" / "tests").mkdir()
    (fake / "geo" / "tests" / "test_ok.py").write_text("from jingmin.places.models import Place\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", fake)
    assert violations() == ["jingmin/geo/bad.py:2 imports jingmin.places.models (geo must not import places)"]
