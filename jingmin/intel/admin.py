from django.contrib import admin

from jingmin.intel.models import IntelReport


@admin.register(IntelReport)
class IntelReportAdmin(admin.ModelAdmin):
    """Read-only: reports are filed and moved on through the pages and the API (audited)."""

    list_display = ["__str__", "unit", "station", "urgency", "status", "filed_at"]
    list_filter = ["kind", "urgency", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
