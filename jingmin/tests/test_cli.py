import subprocess
import sys

from jingmin import cli


def test_help(capsys):
    assert cli.main(["--help"]) == 0
    assert "jingmin serve" in capsys.readouterr().out


def test_cli_runs_a_management_command():
    out = subprocess.run(
        [sys.executable, "-m", "jingmin.cli", "check"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "no issues" in out.stdout
