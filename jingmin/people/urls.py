from django.urls import path

from jingmin import imports
from jingmin.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_form, name="create"),
    path("import/", imports.import_view, {"kind": "persons"}, name="import"),
    path("import/template/", imports.import_template, {"kind": "persons"}, name="import_template"),
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_form, name="household_create"),
    path("households/import/", imports.import_view, {"kind": "households"}, name="household_import"),
    path(
        "households/import/template/",
        imports.import_template,
        {"kind": "households"},
        name="household_import_template",
    ),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_form, name="household_edit"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_form, name="edit"),
    path("<int:pk>/missing/", views.person_missing, name="missing"),
]
