"""Roles and permissions, in one place.

Roles are those of DESIGN.md §2. A user may hold several official roles (a civil servant
can be PPK for one package and committee member for another); the vendor role excludes
every official role. Each permission lists the roles that hold it; `writes=False` marks
read-only permissions, the only kind the LKPP auditor may hold.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from lpse.accounts.models import User


class Role(models.TextChoices):
    VENDOR = "vendor", _("Vendor user")
    VERIFIER = "verifier", _("Verifier")
    HELPDESK = "helpdesk", _("Helpdesk officer")
    SYSADMIN = "sysadmin", _("System administrator")
    APPADMIN = "appadmin", _("Application administrator")
    HEAD = "head", _("Head of LPSE unit")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    BUDGET_OWNER = "budget_owner", _("Budget owner (PA/KPA)")
    PPK = "ppk", _("Commitment officer (PPK)")
    COMMITTEE = "committee", _("Procurement committee member")
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
    TRAINER = "trainer", _("Trainer")
    AUDITOR = "auditor", _("Auditor (LKPP)")


#: Officers of the LPSE unit itself.
LPSE_ROLES = frozenset(
    {Role.VERIFIER, Role.HELPDESK, Role.SYSADMIN, Role.APPADMIN, Role.HEAD, Role.TRAINER}
)
#: Officials of an agency (they belong to one agency).
AGENCY_ROLES = frozenset(
    {Role.AGENCY_ADMIN, Role.BUDGET_OWNER, Role.PPK, Role.COMMITTEE, Role.PROCUREMENT_OFFICER}
)
#: Every role except the vendor's: two-factor is mandatory for all of them.
OFFICIAL_ROLES = frozenset(set(Role) - {Role.VENDOR})

#: Who may grant which roles (the system administrator creates LPSE officers, the LKPP
#: auditor and agency administrators; an agency administrator creates the officials of
#: its own agency).
GRANTABLE_BY: dict[Role, frozenset[Role]] = {
    Role.SYSADMIN: frozenset(LPSE_ROLES | {Role.AUDITOR, Role.AGENCY_ADMIN}),
    Role.AGENCY_ADMIN: frozenset(
        {Role.BUDGET_OWNER, Role.PPK, Role.COMMITTEE, Role.PROCUREMENT_OFFICER}
    ),
}


class Perm(enum.StrEnum):
    """Capabilities. The value is the name used in code and templates."""

    def __new__(cls, value: str, roles: frozenset[Role], writes: bool = True) -> Perm:
        member = str.__new__(cls, value)
        member._value_ = value
        member.roles = roles  # type: ignore[attr-defined]
        member.writes = writes  # type: ignore[attr-defined]
        return member

    roles: frozenset[Role]
    writes: bool

    # accounts
    MANAGE_LPSE_OFFICERS = "accounts.manage_lpse_officers", frozenset({Role.SYSADMIN})
    MANAGE_AGENCIES = "accounts.manage_agencies", frozenset({Role.SYSADMIN})
    MANAGE_AGENCY_OFFICIALS = "accounts.manage_agency_officials", frozenset({Role.AGENCY_ADMIN})
    VIEW_USERS = "accounts.view_users", frozenset(
        {Role.SYSADMIN, Role.APPADMIN, Role.HEAD, Role.AUDITOR, Role.AGENCY_ADMIN,
         Role.HELPDESK}
    ), False
    RESET_TWO_FACTOR = "accounts.reset_two_factor", frozenset({Role.SYSADMIN})
    # Managing one's own API tokens changes no procurement data: not a write.
    USE_API_TOKENS = "accounts.use_api_tokens", frozenset(OFFICIAL_ROLES | {Role.VENDOR}), False
    # audit
    VIEW_AUDIT = "audit.view", frozenset({Role.HEAD, Role.SYSADMIN, Role.AUDITOR}), False
    # core
    MANAGE_CALENDAR = "core.manage_calendar", frozenset({Role.SYSADMIN, Role.APPADMIN})
    VIEW_OUTBOX = "core.view_outbox", frozenset({Role.SYSADMIN})
    VIEW_DOCUMENTS = "core.view_documents", frozenset(
        {Role.SYSADMIN, Role.HEAD, Role.AUDITOR}
    ), False
    # vendors
    VERIFY_VENDORS = "vendors.verify", frozenset({Role.VERIFIER})
    VIEW_VENDORS = "vendors.view", frozenset(
        {Role.VERIFIER, Role.HELPDESK, Role.APPADMIN, Role.SYSADMIN, Role.HEAD, Role.AUDITOR}
    ), False
    VIEW_VENDOR_PERSONAL_DATA = "vendors.view_personal_data", frozenset(
        {Role.VERIFIER, Role.APPADMIN}
    ), False
    MANAGE_VENDORS = "vendors.manage", frozenset({Role.APPADMIN, Role.SYSADMIN})
    MANAGE_BLACKLIST = "vendors.manage_blacklist", frozenset({Role.APPADMIN})
    FILE_EMAIL_CHANGE_FOR_VENDOR = "vendors.file_email_change", frozenset({Role.HELPDESK})
    APPLY_EMAIL_CHANGE = "vendors.apply_email_change", frozenset({Role.APPADMIN, Role.SYSADMIN})
    VIEW_VENDOR_REPORTS = "vendors.view_reports", frozenset(
        {Role.HEAD, Role.VERIFIER, Role.APPADMIN, Role.AUDITOR}
    ), False
    # catalog (master data and portal content)
    MANAGE_MASTER_DATA = "catalog.manage_master_data", frozenset({Role.APPADMIN})
    MANAGE_CONTENT = "catalog.manage_content", frozenset({Role.SYSADMIN, Role.APPADMIN})
    # Drafts, inactive entries and the history of changes of master data and portal content.
    VIEW_CATALOG_RECORDS = "catalog.view_records", frozenset(
        {Role.SYSADMIN, Role.APPADMIN, Role.HEAD, Role.AUDITOR}
    ), False
    # tenders
    MANAGE_PACKAGES = "tenders.manage_packages", frozenset({Role.PPK})
    MANAGE_COMMITTEES = "tenders.manage_committees", frozenset({Role.AGENCY_ADMIN})
    RUN_TENDERS = "tenders.run", frozenset({Role.COMMITTEE, Role.PROCUREMENT_OFFICER})
    APPLY_SCHEDULE_CHANGE = "tenders.apply_schedule_change", frozenset(
        {Role.APPADMIN, Role.SYSADMIN}
    )
    VIEW_ALL_TENDERS = "tenders.view_all", frozenset(
        {Role.AUDITOR, Role.HEAD, Role.APPADMIN, Role.SYSADMIN}
    ), False
    PARTICIPATE_IN_TENDERS = "tenders.participate", frozenset({Role.VENDOR})
    # The budget owner (PA/KPA) and the agency administrator follow their agency's packages.
    VIEW_AGENCY_TENDERS = "tenders.view_agency", frozenset(
        {Role.BUDGET_OWNER, Role.AGENCY_ADMIN}
    ), False
    # bids
    SUBMIT_BIDS = "bids.submit", frozenset({Role.VENDOR})
    OPEN_BIDS = "bids.open", frozenset({Role.COMMITTEE, Role.PROCUREMENT_OFFICER})
    EXAMINE_BID_FILES = "bids.examine", frozenset({Role.SYSADMIN, Role.APPADMIN})
    # Opened bid documents: the tender's committee (through OPEN_BIDS) and the LKPP auditor.
    VIEW_OPENED_BIDS = "bids.view_opened", frozenset({Role.AUDITOR}), False
    # Cases of unopenable bid files: the head receives them (Lampiran III 3.2 step 1), the
    # helpdesk records them (3.1 "Pencatatan"), LKPP follows them.
    VIEW_BID_CASES = "bids.view_cases", frozenset(
        {Role.HEAD, Role.HELPDESK, Role.SYSADMIN, Role.APPADMIN, Role.AUDITOR}
    ), False
    # The diagnostic record of upload attempts (Lampiran III 3.7).
    VIEW_UPLOAD_ATTEMPTS = "bids.view_upload_attempts", frozenset(
        {Role.HELPDESK, Role.SYSADMIN, Role.APPADMIN, Role.AUDITOR}
    ), False
    # helpdesk
    HANDLE_TICKETS = "helpdesk.handle", frozenset({Role.HELPDESK, Role.APPADMIN, Role.SYSADMIN})
    MANAGE_KNOWLEDGE_BASE = "helpdesk.manage_kb", frozenset({Role.HELPDESK})
    VIEW_HELPDESK_REPORTS = "helpdesk.view_reports", frozenset(
        {Role.HEAD, Role.HELPDESK, Role.AUDITOR}
    ), False
    # The unit's service levels (first response, update, resolution per priority).
    MANAGE_SERVICE_LEVELS = "helpdesk.manage_service_levels", frozenset({Role.HEAD})
    RUN_UPLOAD_DIAGNOSTICS = "helpdesk.run_diagnostics", frozenset(
        {Role.SYSADMIN, Role.APPADMIN}
    )
    # training
    REQUEST_TRAINING = "training.request", frozenset({Role.AGENCY_ADMIN})
    DISPOSE_TRAINING = "training.dispose", frozenset({Role.HEAD})
    MANAGE_TRAINING = "training.manage", frozenset({Role.HELPDESK})
    DELIVER_TRAINING = "training.deliver", frozenset({Role.TRAINER})
    VIEW_TRAINING = "training.view", frozenset(
        {Role.HEAD, Role.HELPDESK, Role.TRAINER, Role.AUDITOR}
    ), False
    # operations
    VIEW_MONITORING = "operations.view_monitoring", frozenset(
        {Role.SYSADMIN, Role.HEAD, Role.AUDITOR}
    ), False
    MANAGE_OPERATIONS = "operations.manage", frozenset({Role.SYSADMIN})
    TICK_CHECKLIST = "operations.tick_checklist", frozenset({Role.SYSADMIN, Role.APPADMIN})
    VIEW_SOP_REPORT = "operations.view_sop_report", frozenset(
        {Role.HEAD, Role.SYSADMIN, Role.AUDITOR}
    ), False
    # backups
    VIEW_BACKUPS = "backups.view", frozenset({Role.SYSADMIN, Role.HEAD, Role.AUDITOR}), False
    MANAGE_BACKUPS = "backups.manage", frozenset({Role.SYSADMIN})


PERMS_BY_NAME: dict[str, Perm] = {perm.value: perm for perm in Perm}


def roles_of(user: User) -> frozenset[Role]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return user.role_set


def has_perm(user: User, perm: Perm) -> bool:
    return bool(roles_of(user) & perm.roles)


def is_official(user: User) -> bool:
    return bool(roles_of(user) & OFFICIAL_ROLES)


def grantable_roles(user: User) -> frozenset[Role]:
    granted: set[Role] = set()
    for role in roles_of(user):
        granted |= GRANTABLE_BY.get(role, frozenset())
    return frozenset(granted)
