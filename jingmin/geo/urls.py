from django.urls import path

from jingmin.geo import views

app_name = "geo"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("base-villages.geojson", views.base_villages_geojson, name="base_villages"),
]
