"""Who may download the vendors app's stored files and issued documents.

Scans and statement letters are personal data (StoredFile.personal_data): /files/ writes an
audit event for every view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lpse.accounts.roles import Perm, has_perm
from lpse.core.documents import register_document_access
from lpse.core.files import register_file_access
from lpse.core.models import IssuedDocument, StoredFile
from lpse.vendors.models import EmailChangeRequest, Vendor, VendorDocument, VerificationSession
from lpse.vendors.selectors import can_view_personal_data
from lpse.vendors.services.common import SCAN_PURPOSE, STATEMENT_PURPOSE

if TYPE_CHECKING:
    from lpse.accounts.models import User


@register_file_access(SCAN_PURPOSE)
def scan_readable(user: User, stored: StoredFile) -> bool:
    scan = VendorDocument.objects.select_related("vendor").filter(file=stored).first()
    return scan is not None and can_view_personal_data(user, scan.vendor)


def statement_readable(user: User, change: EmailChangeRequest) -> bool:
    """The vendor, the helpdesk officer who filed it, and the officers of procedure 3.4."""
    return (
        can_view_personal_data(user, change.vendor)
        or has_perm(user, Perm.VERIFY_VENDORS)
        or has_perm(user, Perm.APPLY_EMAIL_CHANGE)
        or (user.is_authenticated and user.pk == change.filed_by_id)
    )


@register_file_access(STATEMENT_PURPOSE)
def statement_file_readable(user: User, stored: StoredFile) -> bool:
    change = EmailChangeRequest.objects.select_related("vendor").filter(
        statement_letter=stored).first()
    return change is not None and statement_readable(user, change)


def _vendor_of(document: IssuedDocument) -> Vendor | None:
    if document.subject_type == "vendors.vendor":
        return Vendor.objects.filter(pk=document.subject_id).first()
    if document.subject_type == "vendors.verificationsession":
        session = VerificationSession.objects.select_related("vendor").filter(
            pk=document.subject_id).first()
        return session.vendor if session else None
    if document.subject_type == "vendors.emailchangerequest":
        change = EmailChangeRequest.objects.select_related("vendor").filter(
            pk=document.subject_id).first()
        return change.vendor if change else None
    return None


@register_document_access("vendors.")
def vendor_document_readable(user: User, document: IssuedDocument) -> bool:
    """Registration forms and records: the vendor itself and officers who see vendors."""
    if has_perm(user, Perm.VIEW_VENDORS):
        return True
    vendor = _vendor_of(document)
    return vendor is not None and user.is_authenticated and vendor.account_id == user.pk
