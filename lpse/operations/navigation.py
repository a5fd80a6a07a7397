from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import Perm
from lpse.core.registry import MenuGroup, MenuItem, register_menu

register_menu(
    MenuGroup("operations", _("Operations"), weight=80),
    [
        MenuItem(_("Monitoring"), "operations:dashboard", perm=Perm.VIEW_MONITORING,
                 icon="speedometer2", weight=10),
        MenuItem(_("Security events"), "operations:security_events", perm=Perm.VIEW_MONITORING,
                 icon="shield-exclamation", weight=20),
        MenuItem(_("Alerts"), "operations:alerts", perm=Perm.VIEW_MONITORING, icon="bell",
                 weight=25),
        MenuItem(_("Database"), "operations:database", perm=Perm.VIEW_MONITORING,
                 icon="database", weight=30),
        MenuItem(_("Maintenance"), "operations:maintenance_list", perm=Perm.VIEW_MONITORING,
                 icon="tools", weight=40),
        MenuItem(_("Checklists"), "operations:checklist_list", perm=Perm.TICK_CHECKLIST,
                 icon="check2-square", weight=50),
        MenuItem(_("SOP report"), "operations:sop_report", perm=Perm.VIEW_SOP_REPORT,
                 icon="clipboard-data", weight=60),
    ],
)
register_menu(
    MenuGroup("about", _("Information"), weight=95, public=True),
    [MenuItem(_("Standard operating procedures"), "operations:sop_list", public=True,
              icon="journal-text", weight=50)],
)
