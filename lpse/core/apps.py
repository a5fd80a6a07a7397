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
        # The empty choice of every select, in the page's language (Django's own label has
        # no Indonesian translation yet). Django reads it at form build time.
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("— choose —")
        from lpse.core import checks  # noqa: F401
