from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from lpse.operations.api import views

router = SimpleRouter()
router.register("operations/alerts", views.AlertViewSet, basename="operations-alert")
router.register("operations/maintenance-windows", views.MaintenanceWindowViewSet,
                basename="operations-maintenance")
router.register("operations/security-events", views.SecurityEventViewSet,
                basename="operations-security-event")
router.register("operations/checklists", views.ChecklistRunViewSet,
                basename="operations-checklist")

urlpatterns: list[URLPattern | URLResolver] = [
    path("operations/capacity/", views.CapacityView.as_view(), name="operations-capacity"),
    path("operations/sop-report/", views.SopReportView.as_view(), name="operations-sop-report"),
    *router.urls,
]
