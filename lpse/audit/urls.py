from django.urls import path

from lpse.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditEventListView.as_view(), name="event_list"),
    path("export.csv", views.event_export, name="event_export"),
    path("<int:seq>/", views.event_detail, name="event_detail"),
]
