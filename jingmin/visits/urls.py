from django.urls import path

from jingmin.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.visit_list, name="list"),
    path("today/", views.today, name="today"),
    path("log/", views.log_visit, name="log"),
    path("registration-notices/", views.registration_list, name="registration_list"),
    path("registration-notices/<int:pk>/", views.registration_detail, name="registration_detail"),
]
