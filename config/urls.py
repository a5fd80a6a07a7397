from django.conf import settings
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from lpse.core import views as core_views
from lpse.operations import views as operations_views

handler400 = "lpse.core.views.bad_request"
handler403 = "lpse.core.views.permission_denied"
handler404 = "lpse.core.views.page_not_found"
handler500 = "lpse.core.views.server_error"

urlpatterns = [
    path("", include("lpse.core.urls")),
    path("health/", operations_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("lpse.accounts.urls")),
    path("audit/", include("lpse.audit.urls")),
    path("catalog/", include("lpse.catalog.urls")),
    path("vendors/", include("lpse.vendors.urls")),
    path("tenders/", include("lpse.tenders.urls")),
    path("bids/", include("lpse.bids.urls")),
    path("helpdesk/", include("lpse.helpdesk.urls")),
    path("training/", include("lpse.training.urls")),
    path("operations/", include("lpse.operations.urls")),
    path("backups/", include("lpse.backups.urls")),
    path("opendata/", include("lpse.opendata.urls")),
    path("api/v1/", include("config.api_urls")),
]

if settings.DEBUG:
    urlpatterns += [path("__error/500/", core_views.raise_error)]
