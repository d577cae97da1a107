from django.urls import path

from jingmin.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_compose, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_compose, name="campaign_edit"),
    path("campaigns/<int:pk>/status/", views.campaign_status, name="campaign_status"),
    path("campaigns/<int:pk>/<str:action>/", views.campaign_action, name="campaign_action"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/new/", views.channel_edit, name="channel_create"),
    path("channels/<slug:slug>/", views.channel_edit, name="channel_edit"),
    path("channels/<slug:slug>/quota/", views.channel_refresh_quota, name="channel_quota"),
    path("channels/<slug:slug>/add-email/", views.contact_add_email, name="contact_add_email"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/names/<slug:slug>/", views.contact_refresh_names, name="contact_refresh_names"),
    path("retention/", views.retention, name="retention"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("tips/", views.tip_list, name="tip_list"),
    path("tips/<str:code>/", views.tip_detail, name="tip_detail"),
    path("tips/<str:code>/image/", views.tip_image, name="tip_image"),
    path("group-messages/", views.partner_messages, name="partner_messages"),
    path("i/<str:name>", views.campaign_image, name="image"),
]
