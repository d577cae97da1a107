from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "jingmin.messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from jingmin.messaging import checks  # noqa: F401 - registers the deployment check
