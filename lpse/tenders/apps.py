from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "lpse.tenders"
    label = "tenders"
    verbose_name = _("Tenders")

    def ready(self) -> None:
        # Registers who may read the tenders' official PDFs (core.documents).
        from lpse.tenders import (
            documents,  # noqa: F401
            operations,
        )

        operations.register()
