"""The production set-up in deploy/: every command it runs exists with those options, the compose file
is well-formed, and `check --deploy` is clean with the example environment filled in."""

import os
import pathlib
import shlex
import subprocess
import sys

import yaml
from django.core.management import get_commands, load_command_class

import jingmin

DEPLOY = pathlib.Path(jingmin.__file__).parent.parent / "deploy"


def parses(argv):
    """The jingmin command line ``argv`` (without 'jingmin') is accepted by its management command."""
    from jingmin.cli import ALIASES as CLI_ALIASES

    name = CLI_ALIASES.get(argv[0], argv[0])
    assert name in get_commands(), f"no command {name!r}"
    command = load_command_class(get_commands()[name], name)
    command.create_parser("jingmin", name).parse_args(argv[1:])
    return True


def test_compose_runs_postgresql_web_and_worker_with_existing_commands():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "migrate", "web", "worker"} <= set(services)
    for name in ("migrate", "web", "worker"):
        command = services[name]["command"]
        assert command[0] == "jingmin"
        assert parses(command[1:])
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert (DEPLOY / services["web"]["build"]["dockerfile"].removeprefix("deploy/")).is_file()
    # the web service runs no task worker of its own: the worker service does
    assert services["web"]["command"] == ["jingmin", "serve", "--no-worker"]
    assert services["worker"]["command"] == ["jingmin", "worker"]


def test_systemd_units_start_existing_commands():
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert len(units) == 2
    starts = {}
    for unit in units:
        for line in unit.read_text().splitlines():
            if line.startswith(("ExecStart=", "ExecStartPre=")):
                argv = shlex.split(line.split("=", 1)[1])
                assert argv[0].endswith("/jingmin")
                assert parses(argv[1:])
                if line.startswith("ExecStart="):
                    starts[unit.name] = argv[1:]
    # the web unit runs no task worker of its own: the worker units do
    assert starts == {"jingmin-web.service": ["serve", "--no-worker"], "jingmin-worker@.service": ["worker"]}


def example_env():
    env = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


def test_check_deploy_is_clean_with_the_example_environment(tmp_path):
    from cryptography.fernet import Fernet

    env = {**os.environ, **example_env()}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop(
        "DJANGO_ALLOW_ASYNC_UNSAFE", None
    )  # set by the browser tests of this process, never in deployment
    env.update(
        JINGMIN_SECRET_KEY="x" * 10 + Fernet.generate_key().decode(),
        JINGMIN_FERNET_KEYS=Fernet.generate_key().decode(),
        JINGMIN_BLIND_INDEX_KEY="a-long-blind-index-key-for-the-check",
        JINGMIN_AUDIT_KEYS="2027:a-long-audit-key-for-the-check",
        DATABASE_URL="postgresql://jingmin:pw@127.0.0.1:5432/jingmin",
        JINGMIN_VAR_DIR=str(tmp_path),
    )
    done = subprocess.run(
        [sys.executable, "-m", "jingmin.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
