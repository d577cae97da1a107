from django.contrib import admin

from jingmin.audit.admin_mixins import AuditedAdminMixin, audit_user_admin
from jingmin.org.models import District, Officer, TrainingSession, Unit, Village

audit_user_admin(admin.site)


@admin.register(Unit)
class UnitAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en"]
    exclude = ["boundary"]


@admin.register(District)
class DistrictAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    exclude = ["boundary"]


@admin.register(Village)
class VillageAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "district", "beat"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]


@admin.register(Officer)
class OfficerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "unit", "badge_number"]
    search_fields = ["user__username", "badge_number"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["held_on", "topic", "unit"]
