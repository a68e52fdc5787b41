"""The site's URLs. Each app adds its own module here."""

from django.contrib import admin
from django.urls import include, path

from upperback.web.accounts.views import setlang
from upperback.web.api import api
from upperback.web.care import urls as care_urls
from upperback.web.records import urls as records_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's own switch, too, stores the choice on the account (it decides every page).
    path("i18n/setlang/", setlang, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("upperback.web.accounts.urls")),
    # The intake's pages and care's share one namespace ("records:result", "records:intake").
    path("", include((records_urls.urlpatterns + care_urls.urlpatterns, "records"))),
    path("", include("upperback.web.clinic.urls")),
    path("", include("upperback.web.media.urls", namespace="media")),
    path("", include("upperback.web.choosing.urls")),
    path("", include("upperback.web.messaging.urls")),
    path("", include("upperback.web.ops.urls")),
]
