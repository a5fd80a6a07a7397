from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import Perm
from lpse.core.registry import MenuGroup, MenuItem, register_menu

register_menu(
    MenuGroup("training", _("Training"), weight=45),
    [
        MenuItem(_("Training calendar"), "training:calendar", public=True, icon="calendar3",
                 weight=10),
        MenuItem(_("Training requests"), "training:request_list", perm=Perm.REQUEST_TRAINING,
                 icon="envelope-paper", weight=20),
        MenuItem(_("Training requests"), "training:request_list", perm=Perm.VIEW_TRAINING,
                 icon="envelope-paper", weight=21),
        MenuItem(_("Training sessions"), "training:session_list", icon="easel", weight=30),
        MenuItem(_("Training rooms"), "training:room_list", perm=Perm.MANAGE_TRAINING,
                 icon="door-open", weight=40),
    ],
)
