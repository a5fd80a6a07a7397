from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "lpse.vendors"
    label = "vendors"
    verbose_name = _("Vendors")

    def ready(self) -> None:
        # Step timings of procedures 1.2 and 3.4 for the operations SOP report.
        from lpse.vendors import sop  # noqa: F401
