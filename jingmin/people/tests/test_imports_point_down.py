"""The people app imports no app above it (visits, intel): they react to people's signals instead."""

import ast
from pathlib import Path

import jingmin.people

HIGHER = tuple(f"jingmin.{app}" for app in ("visits", "intel"))  # the apps above people


def imported(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_people_imports_nothing_above_it():
    root = Path(jingmin.people.__file__).parent
    offending = sorted(
        f"{path.relative_to(root)} → {name}"
        for path in root.rglob("*.py")
        for name in imported(path)
        if name.startswith(HIGHER)
    )
    assert offending == []
