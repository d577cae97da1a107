from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "jingmin.messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from django_tasks_db.compat import task_finished

        from jingmin.messaging import checks  # noqa: F401 - registers the deployment check
        from jingmin.messaging.tasks import reschedule_after_lost_drain

        task_finished.connect(reschedule_after_lost_drain, dispatch_uid="messaging.lost_drain")
