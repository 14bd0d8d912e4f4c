"""The product's URLs plus ``/bench/bare/``: a view that does nothing, behind the same
middleware, as the baseline every page is compared with."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("school.urls")),
]
