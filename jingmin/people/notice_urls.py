"""Notices to a unit about persons; mounted at /visits/notices/ where they have always been."""

from django.urls import path

from jingmin.people import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/read/", views.notice_read, name="read"),
]
