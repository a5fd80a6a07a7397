from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import Perm
from lpse.core.registry import MenuGroup, MenuItem, register_menu

register_menu(
    MenuGroup("tenders", _("Procurement"), weight=20, public=True),
    [
        MenuItem(_("Tenders"), "tenders:public_list", public=True, icon="megaphone", weight=10),
        MenuItem(_("My tenders"), "tenders:my_tenders", perm=Perm.PARTICIPATE_IN_TENDERS,
                 icon="briefcase", weight=20),
        MenuItem(_("Tender workspace"), "tenders:workspace_list", perm=Perm.RUN_TENDERS,
                 icon="kanban", weight=30),
        MenuItem(_("Tender workspace"), "tenders:workspace_list", perm=Perm.VIEW_ALL_TENDERS,
                 icon="kanban", weight=31),
        MenuItem(_("Packages"), "tenders:package_list", perm=Perm.MANAGE_PACKAGES,
                 icon="box-seam", weight=40),
        MenuItem(_("Packages"), "tenders:package_list", perm=Perm.VIEW_AGENCY_TENDERS,
                 icon="box-seam", weight=41),
        MenuItem(_("Committees"), "tenders:committee_list", perm=Perm.MANAGE_COMMITTEES,
                 icon="people", weight=50),
        MenuItem(_("Schedule changes"), "tenders:change_list", perm=Perm.APPLY_SCHEDULE_CHANGE,
                 icon="calendar2-week", weight=60),
    ],
)
