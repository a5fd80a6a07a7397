from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    name = "lpse.bids"
    label = "bids"
    verbose_name = _("Bids")
