"""The monitoring checklist of Lampiran 5 (Prosedur monitoring dan pemeliharaan infrastruktur).

Each item keeps the regulation's numbering (`code`), its actor and how often it is checked.
Pasal 12 a asks for daily monitoring of disks and RAM; the other software items that protect
the service (site, application server, access, viruses, intrusions, hanging transactions,
connections) are daily too; the rest is weekly. Items with an `auto` key are filled in by the
system with their evidence (lpse.operations.checklist_auto); an administrator can still
override them with a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

DAILY, WEEKLY = "daily", "weekly"


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    group: str
    text: str | _StrPromise
    actor: str
    frequency: str
    auto: str = ""
    windows_only: bool = False


SOFTWARE = "software"
OS = "os"
DATABASE = "database"
HARDWARE = "hardware"
NETWORK = "network"

GROUPS: dict[str, str | _StrPromise] = {
    SOFTWARE: _("1.a Software: the SPSE application"),
    OS: _("1.b Software: operating system"),
    DATABASE: _("1.c Software: database"),
    HARDWARE: _("2 Hardware"),
    NETWORK: _("3 Communication network and data security"),
}

ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem("1.a.1", SOFTWARE, _("The SPSE website is running."),
                  "Administrator SPSE", DAILY, auto="site_up"),
    ChecklistItem("1.a.2", SOFTWARE, _("The application server (web process, task worker, "
                                       "scheduler) is active."),
                  "Administrator sistem", DAILY, auto="app_server"),
    ChecklistItem("1.a.3", SOFTWARE, _("User access to the SPSE is watched."),
                  "Administrator sistem", DAILY, auto="user_access"),
    ChecklistItem("1.a.4", SOFTWARE, _("No virus is attacking the SPSE."),
                  "Administrator sistem", DAILY, auto="uploads_rejected"),
    ChecklistItem("1.a.5", SOFTWARE, _("No intruder is trying to get into the SPSE."),
                  "Administrator sistem", DAILY, auto="intrusion"),
    ChecklistItem("1.a.6", SOFTWARE, _("The catalogue data are up to date."),
                  "Admin penyedia barang/jasa", WEEKLY,
                  auto="content.catalogue"),
    ChecklistItem("1.a.7", SOFTWARE, _("Procurement news is up to date."),
                  "Administrator sistem", WEEKLY,
                  auto="content.news"),
    ChecklistItem("1.a.8", SOFTWARE, _("The price index used to evaluate basic capability is "
                                       "up to date."), "Administrator sistem", WEEKLY,
                  auto="content.price_index"),
    ChecklistItem("1.a.9", SOFTWARE, _("The goods categories are up to date."),
                  "Administrator sistem", WEEKLY,
                  auto="content.goods_categories"),
    ChecklistItem("1.a.10", SOFTWARE, _("The business fields and sub-fields are up to date."),
                  "Administrator sistem", WEEKLY,
                  auto="content.business_fields"),
    ChecklistItem("1.a.11", SOFTWARE, _("User accounts of agencies and vendors are maintained "
                                        "(inactive and locked accounts reviewed)."),
                  "Administrator sistem", WEEKLY, auto="user_maintenance"),
    ChecklistItem("1.b.1.a", OS, _("Linux: access rights of users who can log in to the "
                                   "server are reviewed."), "Ahli Software", WEEKLY),
    ChecklistItem("1.b.1.b", OS, _("Linux: running processes are controlled and monitored."),
                  "Ahli Software", DAILY, auto="processes"),
    ChecklistItem("1.b.1.c", OS, _("Linux: the system logs of each process are watched."),
                  "Ahli Software", WEEKLY),
    ChecklistItem("1.b.1.d", OS, _("Linux: user password files are protected."),
                  "Ahli Software", WEEKLY),
    ChecklistItem("1.b.1.e", OS, _("Linux: DNS is watched."), "Ahli Software", WEEKLY),
    ChecklistItem("1.b.1.f", OS, _("Linux: users are added, removed and grouped as needed."),
                  "Ahli Software", WEEKLY),
    ChecklistItem("1.b.1.g", OS, _("Linux: home directories are managed."),
                  "Ahli Software", WEEKLY),
    ChecklistItem("1.b.1.h", OS, _("Linux: storage media (disks) and memory are checked."),
                  "Ahli Software", DAILY, auto="disk_memory"),
    ChecklistItem("1.b.1.i", OS, _("Linux: the mail server (SMTP) is checked."),
                  "Ahli Software", DAILY, auto="mail"),
    ChecklistItem("1.b.1.j", OS, _("Linux: incoming and outgoing e-mail is checked for "
                                   "viruses."), "Ahli Software", WEEKLY),
    ChecklistItem("1.b.1.k", OS, _("Linux: the proxy server is checked for a stable internal "
                                   "and internet connection."), "Ahli Software", WEEKLY),
    ChecklistItem("1.b.1.l", OS, _("Linux: DNS zones and domains are added or removed as "
                                   "needed."), "Ahli Software", WEEKLY),
    ChecklistItem("1.b.2.a", OS, _("Windows Server: user accounts are watched."),
                  "Ahli Software", WEEKLY, auto="windows", windows_only=True),
    ChecklistItem("1.b.2.b", OS, _("Windows Server: the DNS server is watched."),
                  "Ahli Software", WEEKLY, auto="windows", windows_only=True),
    ChecklistItem("1.b.2.c", OS, _("Windows Server: the DHCP server is watched."),
                  "Ahli Software", WEEKLY, auto="windows", windows_only=True),
    ChecklistItem("1.b.2.d", OS, _("Windows Server: viruses and spam are watched."),
                  "Ahli Software", WEEKLY, auto="windows", windows_only=True),
    ChecklistItem("1.b.2.e", OS, _("Windows Server: bandwidth management is watched."),
                  "Ahli Software", WEEKLY, auto="windows", windows_only=True),
    ChecklistItem("1.b.2.f", OS, _("Windows Server: the internet service provider is "
                                   "watched."), "Ahli Software", WEEKLY, auto="windows",
                  windows_only=True),
    ChecklistItem("1.b.2.g", OS, _("Windows Server: the e-mail and web servers are watched."),
                  "Ahli Software", WEEKLY, auto="windows", windows_only=True),
    ChecklistItem("1.b.2.h", OS, _("Windows Server: the firewall is watched."),
                  "Ahli Software", WEEKLY, auto="windows", windows_only=True),
    ChecklistItem("1.b.2.i", OS, _("Windows Server: local and domain user accounts are "
                                   "managed."), "Ahli Software", WEEKLY, auto="windows",
                  windows_only=True),
    ChecklistItem("1.b.2.j", OS, _("Windows Server: user properties are managed."),
                  "Ahli Software", WEEKLY, auto="windows", windows_only=True),
    ChecklistItem("1.b.2.k", OS, _("Windows Server: login hours are restricted."),
                  "Ahli Software", WEEKLY, auto="windows", windows_only=True),
    ChecklistItem("1.b.2.l", OS, _("Windows Server: antivirus is updated and the server "
                                   "scanned."), "Ahli Software", WEEKLY, auto="windows",
                  windows_only=True),
    ChecklistItem("1.c.1", DATABASE, _("Database backup and recovery are done."),
                  "Ahli Database", DAILY, auto="backup"),
    ChecklistItem("1.c.2", DATABASE, _("No hanging transaction blocks the database."),
                  "Ahli Database", DAILY, auto="hanging_transactions"),
    ChecklistItem("1.c.3", DATABASE, _("Growth of the user table is monitored."),
                  "Ahli Database", WEEKLY, auto="user_growth"),
    ChecklistItem("1.c.4", DATABASE, _("Growth of the data files is monitored."),
                  "Ahli Database", WEEKLY, auto="data_growth"),
    ChecklistItem("2.A", HARDWARE, _("Monitors, server and client PCs, keyboards and mice are "
                                     "in good condition."), "Hardware engineer", WEEKLY),
    ChecklistItem("2.B", HARDWARE, _("PC supporting media are in good condition."),
                  "Hardware engineer", WEEKLY),
    ChecklistItem("2.C", HARDWARE, _("Hubs are in good condition."), "Hardware engineer",
                  WEEKLY),
    ChecklistItem("2.D", HARDWARE, _("PC ports (USB, serial, parallel, LAN) are in good "
                                     "condition."), "Hardware engineer", WEEKLY),
    ChecklistItem("3.A", NETWORK, _("Client-to-server connections work."),
                  "Ahli sistem jaringan komunikasi", DAILY, auto="connection"),
    ChecklistItem("3.B", NETWORK, _("Network peripherals and the server farm are up."),
                  "Ahli sistem keamanan", DAILY, auto="services_up"),
    ChecklistItem("3.C", NETWORK, _("Services of the SPSE, database and security servers are "
                                    "updated."), "Ahli sistem jaringan komunikasi", WEEKLY),
    ChecklistItem("3.D", NETWORK, _("Ports of network peripherals are monitored so that no "
                                    "hole is left open to intruders."),
                  "Ahli sistem keamanan", WEEKLY),
)

ITEMS_BY_CODE: dict[str, ChecklistItem] = {item.code: item for item in ITEMS}


def items_for(frequency: str) -> list[ChecklistItem]:
    """Daily items are on the daily list; the weekly list holds every item (a full pass)."""
    if frequency == DAILY:
        return [item for item in ITEMS if item.frequency == DAILY]
    return list(ITEMS)
