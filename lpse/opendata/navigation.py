from django.utils.translation import gettext_lazy as _

from lpse.core.registry import MenuGroup, MenuItem, register_menu

register_menu(
    MenuGroup("information", _("Information"), weight=20, public=True),
    [MenuItem(_("Open data"), "opendata:index", public=True, icon="database", weight=60)],
)
