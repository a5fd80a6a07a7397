from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "lpse.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from lpse.training import sop

        sop.register()
