from django.urls import path

from jingmin.org import auditlog as views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.csv", views.event_csv, name="csv"),
]
