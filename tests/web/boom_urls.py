"""The app's URLs and one view that fails, for the error-logging tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise ValueError("the view failed")


urlpatterns = [path("boom/", boom), path("", include("upperback.web.urls"))]
