from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import Perm
from lpse.core.mail import outbox_enabled
from lpse.core.registry import MenuGroup, MenuItem, register_menu

register_menu(
    MenuGroup("admin", _("Administration"), weight=90),
    [
        MenuItem(_("Working-day calendar"), "core:holidays", perm=Perm.MANAGE_CALENDAR,
                 icon="calendar3", weight=50),
        MenuItem(_("E-mail outbox"), "core:outbox", perm=Perm.VIEW_OUTBOX, icon="envelope",
                 weight=90,
                 condition=outbox_enabled),
    ],
)
