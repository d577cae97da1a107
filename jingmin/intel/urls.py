from django.urls import path

from jingmin.intel import views

app_name = "intel"
urlpatterns = [
    path("", views.intel_list, name="list"),
    path("new/", views.intel_create, name="create"),
    path("<int:pk>/", views.intel_detail, name="detail"),
]
