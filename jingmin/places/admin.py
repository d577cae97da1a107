from django.contrib import admin

from jingmin.places.models import Category, Place


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "active", "order"]
    list_editable = ["active", "order"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "risk", "village", "unit", "active"]
    list_filter = ["category", "risk", "active"]
    search_fields = ["name", "address"]
    raw_id_fields = ["unit", "village", "created_by"]
