from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import Perm
from lpse.core.registry import MenuGroup, MenuItem, register_menu

register_menu(
    MenuGroup("tenders", _("Procurement"), weight=20, public=True),
    [
        MenuItem(_("Verify a bid receipt"), "bids:receipt_verify", public=True,
                 icon="patch-check", weight=15),
        MenuItem(_("Opening key"), "bids:opening_key", perm=Perm.OPEN_BIDS, icon="key",
                 weight=35),
        MenuItem(_("Unopenable bid files"), "bids:case_list", perm=Perm.VIEW_BID_CASES,
                 icon="file-earmark-lock", weight=71),
        MenuItem(_("Upload attempts"), "bids:attempt_list", perm=Perm.VIEW_UPLOAD_ATTEMPTS,
                 icon="cloud-arrow-up", weight=72),
    ],
)
