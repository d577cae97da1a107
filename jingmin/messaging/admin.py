from django.contrib import admin

from jingmin.messaging.models import Channel, MessageTemplate, RetentionSettings, Tag


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "unit", "transport", "is_active"]
    exclude = ["line_channel_id", "line_channel_secret", "line_access_token"]  # secrets: through the app only


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "scam_type", "unit"]
    list_filter = ["category"]


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(admin.ModelAdmin):
    """How long closed tips and webhook event records are kept (also editable at /messaging/retention/)."""

    list_display = ["__str__", "closed_tip_days", "webhook_event_days", "updated_at"]

    def has_add_permission(self, request):
        return not RetentionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
