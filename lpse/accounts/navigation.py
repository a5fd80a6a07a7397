from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import Perm
from lpse.core.registry import MenuGroup, MenuItem, register_menu

register_menu(
    MenuGroup("admin", _("Administration"), weight=90),
    [
        MenuItem(_("Users"), "accounts:user_list", perm=Perm.VIEW_USERS, icon="people",
                 weight=10),
        MenuItem(_("Agencies"), "accounts:agency_list", perm=Perm.VIEW_USERS, icon="building",
                 weight=20),
    ],
)
