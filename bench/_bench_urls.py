"""URLs of the benchmark server: the project's URLs plus a trivial Django view (baseline)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urls


def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping), *project_urls]
