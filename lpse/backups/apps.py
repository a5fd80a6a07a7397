from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "lpse.backups"
    label = "backups"
    verbose_name = _("Backups")

    def ready(self) -> None:
        if apps.is_installed("lpse.operations"):
            # Procedure 6 of the SOP report (backup, off-site copy) is measured here.
            from lpse.backups import sop

            sop.register()
