from django.contrib import admin

from jingmin.people.models import Category, Config


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Person categories are configuration; persons themselves are edited through the pages (audited)."""

    list_display = ["code", "kind", "name", "name_en", "active", "order"]
    list_filter = ["kind", "active"]
    list_editable = ["active", "order"]


@admin.register(Config)
class ConfigAdmin(admin.ModelAdmin):
    """The visit window of security-concern persons (years)."""

    list_display = ["__str__", "concern_window_years"]

    def has_add_permission(self, request):
        return not Config.objects.exists()
