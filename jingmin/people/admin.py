from django.contrib import admin

from jingmin.people.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Person categories are configuration; persons themselves are edited through the pages (audited)."""

    list_display = ["code", "kind", "name", "name_en", "active", "order"]
    list_filter = ["kind", "active"]
    list_editable = ["active", "order"]
