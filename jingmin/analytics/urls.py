from django.urls import path

from jingmin.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.index, name="index"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/import/", views.incident_import, name="incident_import"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("forecast/", views.forecast, name="forecast"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/ack/", views.alert_ack, name="alert_ack"),
    path("alerts/warnings/", views.warning_settings, name="warning_settings"),
    path("alerts/warnings/<str:code>/", views.warning_setting_edit, name="warning_setting_edit"),
]
