from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lpse.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from lpse.accounts import signals  # noqa: F401
