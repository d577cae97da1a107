from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "jingmin.visits"
    verbose_name = _("Beat visits")

    def ready(self):
        from jingmin.visits import receivers  # noqa: F401  (connects the receivers)
