from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "jingmin.org"
    verbose_name = _("Organisation")

    def ready(self):
        from jingmin.org import lockout

        lockout.connect()
