from django.urls import URLPattern, URLResolver, path, re_path

from lpse.opendata.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("ocds/releases/", views.ReleasePackageView.as_view(), name="api-ocds-releases"),
    path("ocds/records/", views.RecordPackageView.as_view(), name="api-ocds-records"),
    re_path(r"^ocds/records/(?P<ocid>[^/]+)/$",
            views.RecordView.as_view(), name="api-ocds-record"),
]
