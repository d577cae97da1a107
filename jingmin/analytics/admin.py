from django.contrib import admin

from jingmin.analytics.models import IncidentCategory


@admin.register(IncidentCategory)
class IncidentCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "near_repeat", "active", "order"]
    list_editable = ["near_repeat", "active", "order"]
