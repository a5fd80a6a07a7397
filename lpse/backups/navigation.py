from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import Perm
from lpse.core.registry import MenuGroup, MenuItem, register_menu

register_menu(
    MenuGroup("admin", _("Administration"), weight=90),
    [MenuItem(_("Backups"), "backups:run_list", perm=Perm.VIEW_BACKUPS, icon="hdd-stack",
              weight=40)],
)
