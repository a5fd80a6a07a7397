"""Who may act on what: helpers that raise PermissionDenied (or Http404 for objects the user
may not even see). Services call them first; views get objects through selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from lpse.accounts.roles import Perm, has_perm
from lpse.tenders.models import Committee, CommitteeMember, Package, Participant, Tender

if TYPE_CHECKING:
    from lpse.accounts.models import User
    from lpse.vendors.models import Vendor


def is_committee_member(user: User, committee_id: int | None) -> bool:
    return bool(
        committee_id is not None
        and has_perm(user, Perm.RUN_TENDERS)
        and CommitteeMember.objects.filter(committee_id=committee_id, user_id=user.pk).exists()
    )


def access_tender_as_committee(*, user: User, tender: Tender) -> Tender:
    if not is_committee_member(user, tender.committee_id):
        raise PermissionDenied(_("Only a member of the tender's committee may do this."))
    return tender


def access_package_as_ppk(*, user: User, package: Package) -> Package:
    if not (has_perm(user, Perm.MANAGE_PACKAGES) and package.ppk_id == user.pk):
        raise PermissionDenied(_("Only the package's PPK may do this."))
    return package


def access_committee_as_admin(*, user: User, committee: Committee) -> Committee:
    if not (has_perm(user, Perm.MANAGE_COMMITTEES) and user.agency_id == committee.agency_id):
        raise PermissionDenied(_("Only the agency administrator may manage its committees."))
    return committee


def vendor_of(user: User) -> Vendor:
    """The vendor company of a vendor user account (PermissionDenied otherwise)."""
    if not has_perm(user, Perm.PARTICIPATE_IN_TENDERS):
        raise PermissionDenied(_("Only vendors take part in tenders."))
    vendor = getattr(user, "vendor", None)
    if vendor is None:
        raise PermissionDenied(_("This account belongs to no vendor."))
    return vendor


def access_participant(*, user: User, tender: Tender) -> Participant:
    vendor = vendor_of(user)
    participant = Participant.objects.filter(tender=tender, vendor=vendor).first()
    if participant is None:
        raise PermissionDenied(_("Your company has not joined this tender."))
    return participant
