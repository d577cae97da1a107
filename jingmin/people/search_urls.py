"""Search requests (協尋) pages; mounted at /visits/search/ where they have always been."""

from django.urls import path

from jingmin.people import views

app_name = "search"
urlpatterns = [
    path("", views.search_list, name="list"),
    path("<int:pk>/", views.search_detail, name="detail"),
]
