from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import Perm
from lpse.core.registry import MenuGroup, MenuItem, register_menu

register_menu(
    MenuGroup("helpdesk", _("Helpdesk"), weight=40),
    [
        MenuItem(_("Help centre"), "helpdesk:home", public=True, icon="life-preserver",
                 weight=10),
        # Shown to every logged-in user.
        MenuItem(_("My requests"), "helpdesk:my_tickets", icon="chat-dots", weight=20),
        MenuItem(_("Ticket desk"), "helpdesk:desk", perm=Perm.HANDLE_TICKETS, icon="headset",
                 weight=30),
        MenuItem(_("Log a phone or walk-in request"), "helpdesk:quick_log",
                 perm=Perm.HANDLE_TICKETS, icon="telephone-plus", weight=40),
        MenuItem(_("Canned answers"), "helpdesk:canned_list", perm=Perm.HANDLE_TICKETS,
                 icon="card-text", weight=50),
        MenuItem(_("Knowledge base"), "helpdesk:article_list",
                 perm=Perm.MANAGE_KNOWLEDGE_BASE, icon="journal-text", weight=60),
        MenuItem(_("Helpdesk reports"), "helpdesk:report", perm=Perm.VIEW_HELPDESK_REPORTS,
                 icon="bar-chart", weight=70),
        MenuItem(_("Service levels"), "helpdesk:service_levels",
                 perm=Perm.MANAGE_SERVICE_LEVELS, icon="stopwatch", weight=80),
    ],
)
