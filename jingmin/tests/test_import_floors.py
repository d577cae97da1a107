"""Imports point down the floors of docs/architecture.md, and no two apps import each other in a circle.

The test walks every module of the package (tests and migrations aside), collects each import of a
``jingmin`` module — at module level or inside a function, and string imports through ``__import__`` /
``import_module`` — and fails with the offending edges (file:line).
"""

import ast
import pathlib
from collections import defaultdict

import jingmin

ROOT = pathlib.Path(jingmin.__file__).parent

# floor of each part; an app not named here is a domain app (floor 2)
FLOORS = {
    # floor 0: the audit log; the jurisdiction tree, roles, scoping, crypto; helpers that import no app
    "audit": 0,
    "org": 0,
    "exports": 0,
    "apitypes": 0,
    "demo": 0,  # finds each app's demo.py through the app registry, imports none
    "discover": 0,  # the app-registry lookup of each app's own modules
    "forms": 0,  # form helpers on Django alone
    "paging": 0,  # list pages on Django alone
    "menu": 0,  # menu entries; org.context picks what a user may open
    "today": 0,  # the home page's task items, gathered through the app registry
    # floor 1: services every domain uses
    "geo": 1,
    "messaging": 1,
    "imports": 1,
    # floor 3: reads every app through its kpis.py
    "results": 3,
}
PROJECT = {"api", "urls", "cli", "views", "wsgi", "settings", "middleware", "test", "conftest"}
DOMAIN = 2
PROJECT_FLOOR = 9  # the project's URL conf, API composition and command line sit above everything


def part_of(module):
    """'jingmin.places.models' -> 'places'; 'jingmin.exports' -> 'exports'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "jingmin" else None


def floor_of(part):
    if part in FLOORS:
        return FLOORS[part]
    if part in PROJECT:
        return PROJECT_FLOOR
    return DOMAIN


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent)
        if "tests" in rel.parts or "migrations" in rel.parts or path.name in ("conftest.py", "test.py"):
            continue
        if path.name == "testing.py" or "testing" in rel.parts:
            continue  # test support (local servers, fixtures) may reach anything
        yield rel, ast.parse(path.read_text(encoding="utf-8"))


def imported(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # from jingmin import places -> jingmin.places
                if node.module == "jingmin":
                    yield node.lineno, f"jingmin.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ("__import__", "import_module") and isinstance(node.args[0].value, str):
                yield node.lineno, node.args[0].value


def edges():
    found = defaultdict(list)  # (from part, to part) -> ["file:line", ...]
    for rel, tree in modules():
        source = rel.parts[1].removesuffix(".py") if len(rel.parts) > 1 else None
        for line, module in imported(tree):
            target = part_of(module)
            if target and source and target != source:
                found[(source, target)].append(f"{rel}:{line}")
    return found


def test_imports_point_down():
    bad = [
        f"{a} (floor {floor_of(a)}) -> {b} (floor {floor_of(b)}) at {', '.join(where)}"
        for (a, b), where in sorted(edges().items())
        if floor_of(b) > floor_of(a)
    ]
    assert not bad, "imports that point up a floor:\n" + "\n".join(bad)


def cycles(graph):
    """Every strongly connected group of two or more parts (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_circle_between_apps():
    found = edges()
    graph = defaultdict(set)
    for a, b in found:
        if floor_of(a) != PROJECT_FLOOR and floor_of(b) != PROJECT_FLOOR:
            graph[a].add(b)
    loops = cycles(graph)
    detail = [
        f"{' <-> '.join(group)}: "
        + "; ".join(f"{a}->{b} at {found[(a, b)][0]}" for a in group for b in group if (a, b) in found)
        for group in loops
    ]
    assert not loops, "apps that import each other in a circle:\n" + "\n".join(detail)


def test_the_walk_sees_every_kind_of_import():
    tree = ast.parse(
        "import jingmin.places.models\n"
        "from jingmin.people import actions\n"
        "from jingmin import visits\n"
        "def f():\n    from jingmin.geo.proj import to_twd97\n"
        "__import__('jingmin.analytics.demo', fromlist=['load'])\n"
        "import_module('jingmin.messaging.seeds')\n"
    )
    parts = {part_of(m) for _line, m in imported(tree)}
    assert {"places", "people", "visits", "geo", "analytics", "messaging"} <= parts


def test_cycles_are_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_walk_finds_an_upward_edge(tmp_path, monkeypatch):
    """The check itself can fail: a module of org importing a domain app is reported with its line."""
    fake = tmp_path / "jingmin"
    (fake / "org").mkdir(parents=True)
    (fake / "org" / "bad.py").write_text("import os\nfrom jingmin.places import models\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", fake)
    assert edges() == {("org", "places"): ["jingmin/org/bad.py:2"]}
