from django.urls import path

from lpse.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("files/<uuid:file_id>/", views.file_download, name="file_download"),
    path("documents/verify/<uuid:document_id>/", views.document_verify, name="document_verify"),
    path("outbox/", views.outbox, name="outbox"),
    path("holidays/", views.holidays, name="holidays"),
    path("holidays/<int:pk>/delete/", views.holiday_remove, name="holiday_delete"),
]
