from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_sop_documents(sender: Any, **kwargs: Any) -> None:
    from lpse.operations.services import sop_documents_seed

    sop_documents_seed()


def _upload_rejected(sender: Any, **kwargs: Any) -> None:
    from lpse.operations.security import upload_rejected

    upload_rejected(purpose=kwargs["purpose"], name=kwargs["original_name"],
                    reason=kwargs["reason"], code=kwargs["code"], user=kwargs.get("uploaded_by"))


class OperationsConfig(AppConfig):
    name = "lpse.operations"
    label = "operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from lpse.core.files import file_rejected
        from lpse.core.registry import register_banner_provider
        from lpse.operations import banners, sop_sources

        register_banner_provider(banners.maintenance_banners)
        sop_sources.register()
        file_rejected.connect(_upload_rejected, dispatch_uid="operations.upload_rejected")
        post_migrate.connect(_seed_sop_documents, sender=self,
                             dispatch_uid="operations.seed_sop_documents")
