from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import Perm, Role
from lpse.core.registry import MenuGroup, MenuItem, register_menu

register_menu(
    MenuGroup("vendors", _("Vendors"), weight=30),
    [
        MenuItem(_("My company"), "vendors:me", roles=frozenset({Role.VENDOR}), icon="building",
                 weight=5),
        MenuItem(_("Verification queue"), "vendors:queue", perm=Perm.VERIFY_VENDORS,
                 icon="person-check", weight=10),
        MenuItem(_("Vendors"), "vendors:vendor_list", perm=Perm.VIEW_VENDORS, icon="shop",
                 weight=20),
        MenuItem(_("E-mail changes"), "vendors:email_change_list", perm=Perm.VIEW_VENDORS,
                 icon="envelope-arrow-up", weight=30),
        MenuItem(_("Blacklist"), "vendors:blacklist", perm=Perm.VIEW_VENDORS, icon="slash-circle",
                 weight=40),
        MenuItem(_("Vendor reports"), "vendors:reports", perm=Perm.VIEW_VENDOR_REPORTS,
                 icon="bar-chart", weight=50),
    ],
)
