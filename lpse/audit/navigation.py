from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import Perm
from lpse.core.registry import MenuGroup, MenuItem, register_menu

register_menu(
    MenuGroup("admin", _("Administration"), weight=90),
    [MenuItem(_("Audit log"), "audit:event_list", perm=Perm.VIEW_AUDIT, icon="journal-check",
              weight=30)],
)
