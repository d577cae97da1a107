"""Background work (Django tasks API): the nightly refresh of Knox tests and forecasts.

Run it nightly with cron (``jingmin forecast refresh``) or enqueue ``nightly_refresh`` from a scheduler;
a ``jingmin worker`` picks it up.
"""

from django.db import transaction
from django_tasks import task

from jingmin.audit import log as audit
from jingmin.org.models import Unit


def refresh_all(unit_codes=None):
    from jingmin.analytics.forecast import refresh_forecasts
    from jingmin.analytics.nearrepeat import refresh_tests

    if unit_codes:
        units = list(Unit.objects.filter(code__in=unit_codes))
        knox_units, forecast_units = units, units
    else:
        knox_units = list(Unit.objects.filter(kind__in=["bureau", "precinct"]))
        forecast_units = list(Unit.objects.filter(kind__in=["precinct", "station"]))
    with transaction.atomic():
        tests = refresh_tests(units=knox_units)
        runs = refresh_forecasts(units=forecast_units)
        summary = {
            "knox_tests": len(tests),
            "flagged": sum(1 for t in tests if t.distance_m),
            "forecasts": len(runs),
        }
        audit.record("analytics.refresh", obj=("analytics.refresh", "nightly"), extra=summary)
    return summary


@task()
def nightly_refresh(unit_codes=None):
    return refresh_all(unit_codes)


@task()
def run_backtest(run_id):
    """A backtest started from the evaluation page (``actions.start_backtest``)."""
    from jingmin.analytics.actions import complete_backtest

    run = complete_backtest(run_id)
    return run.status if run is not None else None


@task()
def send_near_repeat_warnings(alert_ids):
    """Warn the community of the stations that switched it on (``actions.warn_community``); idempotent."""
    from jingmin.analytics.actions import warn_community

    return [w.pk for w in warn_community(alert_ids)]


def fail_backtest_of_lost_worker(sender, task_result, **kwargs):
    """A backtest whose worker died was reaped (``jingmin.org.workers``): the run says so, instead of
    staying "running" for ever."""
    from jingmin.org.workers import LOST

    if task_result.task.module_path != run_backtest.module_path:
        return
    if not any(e.exception_class_path == LOST for e in task_result.errors):
        return
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext

    from jingmin.analytics.actions import fail_backtest

    with translation.override(settings.LANGUAGE_CODE):  # stored text, read in the site's language
        error = gettext("The task worker stopped while running this backtest: start it again.")
    fail_backtest(task_result.args[0], error)
