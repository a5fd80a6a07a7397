"""Reads of vendor data, scoped to the user asking."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from lpse.accounts.roles import Perm, Role, has_perm, roles_of
from lpse.core.calendar import localdate_wib, to_wib, working_days_between
from lpse.vendors.models import BlacklistEntry, EmailChangeRequest, Vendor, VerificationSession
from lpse.vendors.validators import normalise_npwp

if TYPE_CHECKING:
    from lpse.accounts.models import User


def vendors_visible_to(user: User) -> QuerySet[Vendor]:
    """Every vendor for LPSE officers who need it; nothing for anyone else (a vendor reads
    its own record through `own_vendor`)."""
    if has_perm(user, Perm.VIEW_VENDORS):
        return Vendor.objects.select_related("account")
    return Vendor.objects.none()


def own_vendor(user: User) -> Vendor:
    """The vendor of a logged-in vendor user, or 404."""
    if not user.is_authenticated or Role.VENDOR not in roles_of(user):
        raise Http404
    vendor = Vendor.objects.select_related("account").filter(account=user).first()
    if vendor is None:
        raise Http404
    return vendor


def verification_queue() -> QuerySet[Vendor]:
    """Registrations waiting for the desk and vendors whose legal data changed, the most
    urgent deadline first."""
    return (
        Vendor.objects.filter(
            status__in=[Vendor.Status.PENDING, Vendor.Status.NEEDS_REVERIFICATION]
        )
        .select_related("account")
        .order_by("verification_deadline", "updated_at")
    )


def working_days_left(vendor: Vendor, today: date | None = None) -> int | None:
    """Working days left until the verification deadline (0 on the last day)."""
    if vendor.status != Vendor.Status.PENDING or vendor.verification_deadline is None:
        return None
    today = today or localdate_wib()
    return working_days_between(today, to_wib(vendor.verification_deadline).date())


def can_view_personal_data(user: User, vendor: Vendor) -> bool:
    """NIK and scans: the vendor itself and officers who need them."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.pk == vendor.account_id or has_perm(user, Perm.VIEW_VENDOR_PERSONAL_DATA)


def blacklist_hits(vendor: Vendor, on: date | None = None) -> list[BlacklistEntry]:
    """Blacklist entries in force that name the vendor's NPWP or its director's NIK."""
    on = on or localdate_wib()
    # Compare normalised numbers: a 15-digit NPWP and its 16-digit form are the same.
    condition = Q(npwp=normalise_npwp(vendor.npwp)) if vendor.npwp else Q(pk__in=[])
    if vendor.director_nik:
        condition |= Q(nik=vendor.director_nik)
    return list(BlacklistEntry.objects.in_force(on).filter(condition))


def vendor_may_participate(vendor: Vendor, on: date | None = None) -> bool:
    """Verified and not on the blacklist: what tenders ask before letting a vendor in."""
    return vendor.is_verified and not blacklist_hits(vendor, on)


def blacklist_visible_to(user: User) -> QuerySet[BlacklistEntry]:
    if has_perm(user, Perm.MANAGE_BLACKLIST) or has_perm(user, Perm.VIEW_VENDORS):
        return BlacklistEntry.objects.select_related("created_by", "revoked_by")
    return BlacklistEntry.objects.none()


def email_changes_visible_to(user: User) -> QuerySet[EmailChangeRequest]:
    """All requests for the officers of procedure 3.4; a vendor sees its own."""
    qs = EmailChangeRequest.objects.select_related("vendor", "filed_by")
    if any(has_perm(user, perm) for perm in (
        Perm.VERIFY_VENDORS, Perm.APPLY_EMAIL_CHANGE, Perm.FILE_EMAIL_CHANGE_FOR_VENDOR,
        Perm.VIEW_VENDORS,
    )):
        return qs
    if user.is_authenticated and Role.VENDOR in roles_of(user):
        return qs.filter(vendor__account=user)
    return qs.none()


def sessions_of(vendor: Vendor) -> QuerySet[VerificationSession]:
    return vendor.verification_sessions.select_related("opened_by", "finished_by", "record")
