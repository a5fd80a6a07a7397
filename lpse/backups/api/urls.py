from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from lpse.backups.api.views import BackupRunViewSet, DrillRunViewSet, backup_status

router = SimpleRouter()
router.register("backups/runs", BackupRunViewSet, basename="backup-run")
router.register("backups/drills", DrillRunViewSet, basename="backup-drill")
urlpatterns: list[URLPattern | URLResolver] = [
    path("backups/status/", backup_status, name="backup-status"),
    *router.urls,
]
