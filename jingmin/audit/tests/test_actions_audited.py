"""Every write an app's ``actions`` make is audited — found from the code, so a new action cannot slip by.

The test reads every ``actions.py`` (and ``actions/`` package module) of the project. A public function
that writes to the database (``.save()``, ``.delete()``, ``.create()``, ``bulk_create``, a queryset
``.update()``, a many-to-many ``.set()/.add()/.remove()/.clear()`` …) must append an audit event, directly
(``audit.record`` / ``audit.…``) or through a function it calls (in its own module or imported from another
actions module). The few writes that are not a user's act are listed below with the reason.
The exact events of the main paths are checked one by one in ``test_write_paths.py``.
"""

import ast
import pathlib

import jingmin

ROOT = pathlib.Path(jingmin.__file__).parent

# writes that are configuration bootstrapping, not a user's act (each with why)
NOT_A_USERS_ACT = {
    ("jingmin.org.actions", "ensure_role_groups"): "creates the seeded role groups at migrate/demo time",
    # a notice is part of the write that sends it (create_person, update_person, report_found), whose
    # one audit event names it; on its own it is nobody's act
    ("jingmin.people.actions.notices", "send_notice"): "part of the sending write, audited by that write",
    ("jingmin.people.actions.notices", "residence_notice"): "part of create/update_person, audited there",
}

ALWAYS_WRITES = {
    "save",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
WRITES_ON_RELATIONS = {
    "update",
    "set",
    "add",
    "remove",
    "clear",
}  # dict/set methods when called on a bare name


def actions_modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        if path.name == "actions.py" or path.parent.name == "actions":
            module = ".".join(rel.with_suffix("").parts)
            yield module.removesuffix(".__init__"), ast.parse(path.read_text(encoding="utf-8"))


class Module:
    def __init__(self, name, tree):
        self.name = name
        self.functions = {
            n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        self.imports = {}  # local name -> (module, name)
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jingmin"):
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = (node.module, alias.name)


def calls(function):
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            yield node.func


def is_write(func):
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in ALWAYS_WRITES:
        return True
    return func.attr in WRITES_ON_RELATIONS and not isinstance(func.value, ast.Name)


def is_audit(func, module):
    if isinstance(func, ast.Attribute):
        base = func.value
        while isinstance(base, ast.Attribute):
            base = base.value
        if isinstance(base, ast.Name) and module.imports.get(base.id, ("", ""))[0].startswith(
            "jingmin.audit"
        ):
            return True
        return isinstance(base, ast.Name) and base.id == "audit"
    return isinstance(func, ast.Name) and module.imports.get(func.id, ("", ""))[0].startswith("jingmin.audit")


def analyse():
    modules = {name: Module(name, tree) for name, tree in actions_modules()}

    def resolve(module, func):
        if isinstance(func, ast.Name):
            if func.id in module.functions:
                return module.name, func.id
            target = module.imports.get(func.id)
            if target and target[0] in modules and target[1] in modules[target[0]].functions:
                return target
        return None

    memo = {}

    def audited(key, seen=frozenset()):
        if key in memo:
            return memo[key]
        if key in seen:
            return False
        module = modules[key[0]]
        result = False
        for func in calls(module.functions[key[1]]):
            if is_audit(func, module):
                result = True
                break
            callee = resolve(module, func)
            if callee and audited(callee, seen | {key}):
                result = True
                break
        memo[key] = result
        return result

    def writes(key, seen=frozenset()):
        if key in seen:
            return False
        module = modules[key[0]]
        for func in calls(module.functions[key[1]]):
            if is_write(func):
                return True
            callee = resolve(module, func)
            if callee and callee[0] == key[0] and writes(callee, seen | {key}):
                return True
        return False

    found = []
    for name, module in modules.items():
        for function in module.functions:
            if function.startswith("_"):
                continue
            key = (name, function)
            found.append((key, writes(key), audited(key)))
    return found


def test_the_actions_of_every_app_are_read():
    apps = {key[0].split(".")[1] for key, _w, _a in analyse()}
    assert {"org", "places", "people", "visits", "messaging", "analytics"} <= apps


def test_every_writing_action_records_an_audit_event():
    missing = [
        f"{module}.{name}"
        for (module, name), writes, audited in analyse()
        if writes and not audited and (module, name) not in NOT_A_USERS_ACT
    ]
    assert not missing, "actions that write without an audit event: " + ", ".join(missing)


def test_the_exceptions_still_exist_and_still_write():
    by_key = {key: writes for key, writes, _a in analyse()}
    for key, why in NOT_A_USERS_ACT.items():
        assert by_key.get(key), f"{key} is listed as an exception ({why}) but no longer writes: remove it"


def test_the_reader_recognises_a_write_without_audit(tmp_path):
    source = (
        "from jingmin.audit import log as audit\n"
        "def good(x):\n    x.save()\n    audit.record('a')\n"
        "def via_helper(x):\n    good(x)\n"
        "def bad(x):\n    x.items.add(1)\n"
        "def reads(x):\n    d = {}\n    d.update(a=1)\n    return d\n"
    )
    module = Module("m", ast.parse(source))
    flags = {
        name: (any(is_write(f) for f in calls(fn)), any(is_audit(f, module) for f in calls(fn)))
        for name, fn in module.functions.items()
    }
    assert flags["good"] == (True, True)
    assert flags["bad"] == (True, False)
    assert flags["reads"] == (False, False)
