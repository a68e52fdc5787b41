"""The site's URLs. Each app adds its own module here."""

from django.contrib import admin
from django.urls import include, path

from upperback.web.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("upperback.web.accounts.urls")),
    path("", include("upperback.web.records.urls")),
    path("", include("upperback.web.clinic.urls")),
    path("", include("upperback.web.media.urls", namespace="media")),
    path("", include("upperback.web.choosing.urls")),
    path("", include("upperback.web.ops.urls")),
]
