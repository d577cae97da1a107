from django.contrib import admin

from jingmin.org.models import District, Officer, TrainingSession, Unit, Village


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en"]
    exclude = ["boundary"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    exclude = ["boundary"]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "beat"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "badge_number"]
    search_fields = ["user__username", "badge_number"]


admin.site.register(TrainingSession)
