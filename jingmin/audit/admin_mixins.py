"""Audit for writes made through the Django admin (administrators' back door must be recorded too)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from jingmin.audit import log as audit


class AuditedAdminMixin:
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.record(
                "admin.change" if change else "admin.add",
                actor=request.user,
                obj=obj,
                extra={"fields": sorted(form.changed_data) if form is not None else []},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            ref = (obj._meta.label_lower, str(obj.pk))
            super().delete_model(request, obj)
            audit.record("admin.delete", actor=request.user, obj=ref)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            refs = [str(pk) for pk in queryset.values_list("pk", flat=True)]
            label = queryset.model._meta.label_lower
            super().delete_queryset(request, queryset)
            audit.record(
                "admin.delete", actor=request.user, obj=(label, ",".join(refs)[:64]), extra={"ids": refs}
            )


class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    pass


def audit_user_admin(site):
    User = get_user_model()
    if site.is_registered(User):
        site.unregister(User)
    site.register(User, AuditedUserAdmin)
