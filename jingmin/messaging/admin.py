from django.contrib import admin

from jingmin.messaging.models import Channel, MessageTemplate, Tag


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
