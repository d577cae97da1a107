from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "jingmin.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self):
        from django_tasks_db.compat import task_finished

        from jingmin.analytics.tasks import fail_backtest_of_lost_worker

        task_finished.connect(fail_backtest_of_lost_worker, dispatch_uid="analytics.lost_backtest")
