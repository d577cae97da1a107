from django.urls import path

from jingmin import imports
from jingmin.places import views

app_name = "places"
urlpatterns = [
    path("", views.place_list, name="list"),
    path("map/", views.emap, name="map"),
    path("new/", views.place_form, name="create"),
    path("import/", imports.import_view, {"kind": "places"}, name="import"),
    path("import/template/", imports.import_template, {"kind": "places"}, name="import_template"),
    path("<int:pk>/", views.place_detail, name="detail"),
    path("<int:pk>/edit/", views.place_form, name="edit"),
    path("<int:pk>/photo/", views.place_photo, name="photo"),
]
