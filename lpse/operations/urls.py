from django.urls import URLPattern, URLResolver, path

from lpse.operations import views

app_name = "operations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("series/", views.series, name="series"),
    path("capacity/run/", views.capacity_run, name="capacity_run"),
    path("database/", views.database, name="database"),
    path("metrics/", views.metrics, name="metrics"),
    path("security/", views.SecurityEventListView.as_view(), name="security_events"),
    path("alerts/", views.AlertListView.as_view(), name="alerts"),
    path("maintenance/", views.MaintenanceListView.as_view(), name="maintenance_list"),
    path("maintenance/new/", views.maintenance_create, name="maintenance_create"),
    path("maintenance/<int:pk>/", views.maintenance_detail, name="maintenance_detail"),
    path("maintenance/<int:pk>/start/", views.maintenance_start, name="maintenance_start"),
    path("maintenance/<int:pk>/end/", views.maintenance_end, name="maintenance_end"),
    path("maintenance/<int:pk>/cancel/", views.maintenance_cancel, name="maintenance_cancel"),
    path("checklists/", views.checklist_list, name="checklist_list"),
    path("checklists/open/", views.checklist_open, name="checklist_open"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist_detail"),
    path("checklists/<int:pk>/refresh/", views.checklist_refresh, name="checklist_refresh"),
    path("checklists/entries/<int:pk>/tick/", views.checklist_tick, name="checklist_tick"),
    path("checklists/entries/<int:pk>/resolve/", views.checklist_resolve,
         name="checklist_resolve"),
    path("sop-report/", views.sop_report_view, name="sop_report"),
    path("sop-report.<str:fmt>", views.sop_report_export, name="sop_report_export"),
    path("sop/", views.sop_list, name="sop_list"),
    path("sop/<str:code>/", views.sop_detail, name="sop_detail"),
    path("sop/<str:code>/edit/", views.sop_edit, name="sop_edit"),
]
