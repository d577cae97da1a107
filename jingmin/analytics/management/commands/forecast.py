"""``jingmin forecast evaluate …`` (the engine's backtest) and ``jingmin forecast refresh``."""

import argparse

from django.core.management.base import BaseCommand, CommandError

from jingmin.analytics.evaluation import evaluate_unit, run_engine
from jingmin.org.models import Unit


class Command(BaseCommand):
    help = (
        "forecast evaluate --incidents FILE.csv --category C [--cell 250 --start DATE --weeks 12 --horizon-days 7 "
        "--coverage 1,5,10,20 --method all --json --area FILE.geojson --crs EPSG:3826]: the engine's rolling-origin "
        "backtest, unchanged. forecast evaluate --unit CODE --category C …: the same on the unit's incidents in the "
        "database, stored for the evaluation page (add --no-store to only print). "
        "forecast refresh [--unit CODE]: Knox tests and forecasts (the nightly task)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["evaluate", "refresh"])
        parser.add_argument("rest", nargs=argparse.REMAINDER)

    def handle(self, *args, action, rest, **options):
        if action == "refresh":
            return self.refresh(rest)
        own = argparse.ArgumentParser(add_help=False)
        own.add_argument("--unit")
        own.add_argument("--no-store", action="store_true")
        mine, engine_args = own.parse_known_args(rest)
        if mine.unit is None:
            code, out, err = run_engine(engine_args)
            evaluation = None
        else:
            if any(a == "--incidents" or a.startswith("--incidents=") for a in engine_args):
                raise CommandError("give either --unit or --incidents, not both")
            unit = Unit.objects.filter(code=mine.unit).first()
            if unit is None:
                raise CommandError(f"no such unit: {mine.unit}")
            code, out, err, evaluation = evaluate_unit(unit, engine_args, store=not mine.no_store)
        if out:
            self.stdout.write(out, ending="")
        if err:
            self.stderr.write(err, ending="")
        if code:
            raise CommandError("the evaluation did not run (see the message above)", returncode=code)
        if evaluation is not None:
            self.stderr.write(f"stored as evaluation {evaluation.pk} for {evaluation.unit.code}")

    def refresh(self, rest):
        own = argparse.ArgumentParser(prog="jingmin forecast refresh")
        own.add_argument("--unit", action="append", help="unit code (repeatable); default: all")
        opts = own.parse_args(rest)
        from jingmin.analytics.tasks import refresh_all

        summary = refresh_all(opts.unit)
        self.stdout.write(
            "refresh: {knox_tests} Knox tests ({flagged} with a near-repeat window), {forecasts} forecasts".format(
                **summary
            )
        )
