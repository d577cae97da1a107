from django.contrib import admin

from jingmin.visits.models import Config, Rule


@admin.register(Config)
class ConfigAdmin(admin.ModelAdmin):
    """Daytime hours, intelligence-report overdue thresholds, route budget."""

    list_display = [
        "__str__",
        "day_start",
        "day_end",
        "intel_urgent_hours",
        "intel_normal_hours",
        "monthly_visit_hours",
        "group_notice_days",
    ]

    def has_add_permission(self, request):
        return not Config.objects.exists()


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["subject", "person_category", "place_risk", "interval_months", "active", "source"]
    list_filter = ["subject", "active"]
    list_editable = ["interval_months", "active"]
