"""URLs for the map-layer benchmark: the product's URLs plus a trivial view (the baseline)."""

from django.http import HttpResponse
from django.urls import path

from jingmin.urls import urlpatterns as product


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *product]
