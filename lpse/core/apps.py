from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lpse.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Each app may contribute menu entries, dashboard panels, periodic jobs and
        # access rules for its stored files; they register themselves on import.
        autodiscover_modules("navigation", "dashboard", "schedules", "file_access")
        from lpse.core import checks  # noqa: F401
