from django.urls import path

from jingmin.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.visit_list, name="list"),
    path("today/", views.today, name="today"),
    path("log/", views.log_visit, name="log"),
    path("intel/", views.intel_list, name="intel_list"),
    path("intel/new/", views.intel_create, name="intel_create"),
    path("intel/<int:pk>/", views.intel_detail, name="intel_detail"),
    path("search/", views.search_list, name="search_list"),
    path("search/<int:pk>/", views.search_detail, name="search_detail"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
    path("registration-notices/", views.registration_list, name="registration_list"),
    path("registration-notices/<int:pk>/", views.registration_detail, name="registration_detail"),
]
