from django.urls import path

from jingmin.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("officers/<int:pk>/", views.officer_detail, name="officer_detail"),
    path("training/", views.training_list, name="training_list"),
    path("training/new/", views.training_create, name="training_create"),
    path("training/<int:pk>/", views.training_detail, name="training_detail"),
    path("lockouts/", views.lockout_list, name="lockout_list"),
]
