"""`jingmin forecast evaluate` wraps the engine's evaluate command exactly; --unit stores the result."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from jingmin.analytics.evaluation import export_unit_incidents, run_engine
from jingmin.analytics.models import Evaluation

ARGS = [
    "--category",
    "burglary",
    "--cell",
    "250",
    "--weeks",
    "2",
    "--horizon-days",
    "7",
    "--coverage",
    "1,5,10",
]
ARGS += ["--method", "naive,kde_decay"]


def start_date(w):
    from django.utils import timezone

    return (timezone.localdate() - __import__("datetime").timedelta(days=30)).isoformat()


def test_prints_the_engines_json(w, tmp_path):
    path = tmp_path / "incidents.csv"
    export_unit_incidents(w.precinct, path)
    argv = ["--incidents", str(path), *ARGS, "--start", start_date(w), "--json"]
    out = io.StringIO()
    call_command("forecast", "evaluate", *argv, stdout=out)
    code, expected, _err = run_engine(argv)
    assert code == 0
    got, want = json.loads(out.getvalue()), json.loads(expected)
    for m in want["methods"].values():
        m.pop("seconds_per_forecast")
    for m in got["methods"].values():
        m.pop("seconds_per_forecast")
    assert got == want
    assert set(got["methods"]) == {"naive", "kde_decay"} and got["best"] in got["methods"]
    assert set(got["methods"]["naive"]["hit_rate"]) == {"1", "5", "10"}


def test_table_output_and_engine_errors(w, tmp_path):
    path = tmp_path / "incidents.csv"
    export_unit_incidents(w.precinct, path)
    out = io.StringIO()
    call_command(
        "forecast", "evaluate", "--incidents", str(path), *ARGS, "--start", start_date(w), stdout=out
    )
    assert "hit@1%" in out.getvalue() and "best:" in out.getvalue()
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(
            "forecast",
            "evaluate",
            "--incidents",
            str(path),
            "--category",
            "nope",
            "--start",
            "2026-01-01",
            stderr=err,
        )
    assert exc.value.returncode == 2
    assert "nope" in err.getvalue()


def test_unit_evaluation_is_stored_for_the_page(w, client):
    before = Evaluation.objects.count()
    out = io.StringIO()
    call_command(
        "forecast",
        "evaluate",
        "--unit",
        w.precinct.code,
        *ARGS,
        "--start",
        start_date(w),
        "--json",
        stdout=out,
        stderr=io.StringIO(),
    )
    result = json.loads(out.getvalue())
    ev = Evaluation.objects.get(pk=Evaluation.objects.latest("id").pk)
    assert Evaluation.objects.count() == before + 1
    assert ev.unit == w.precinct and ev.category == "burglary" and ev.best == result["best"]
    client.force_login(w.inside["precinct_officer"])
    page = client.get("/analytics/evaluations/").content.decode()
    assert "kde_decay" in page and "PAI" in page and f'id="evaluation-{ev.pk}"' in page
    client.force_login(w.outside["precinct_officer"])
    # (the backtest form lists every method, so look for the stored evaluation itself)
    assert f'id="evaluation-{ev.pk}"' not in client.get("/analytics/evaluations/").content.decode()
    assert client.get("/api/v1/analytics/evaluations").json() == []
