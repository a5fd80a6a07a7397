"""The REST API under /api/v1/. Each app contributes `lpse/<app>/api/urls.py`."""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("lpse.core.api.urls")),
    path("", include("lpse.accounts.api.urls")),
    path("", include("lpse.audit.api.urls")),
    path("", include("lpse.catalog.api.urls")),
    path("", include("lpse.vendors.api.urls")),
    path("", include("lpse.tenders.api.urls")),
    path("", include("lpse.bids.api.urls")),
    path("", include("lpse.helpdesk.api.urls")),
    path("", include("lpse.training.api.urls")),
    path("", include("lpse.operations.api.urls")),
    path("", include("lpse.backups.api.urls")),
    path("", include("lpse.opendata.api.urls")),
]
