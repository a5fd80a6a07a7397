"""Who may act on bids. Helpers raise PermissionDenied (or Http404 for objects the user may
not even see); services call them first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from lpse.accounts.roles import Perm, has_perm
from lpse.tenders.access import is_committee_member

if TYPE_CHECKING:
    from lpse.accounts.models import User
    from lpse.bids.models import Bid
    from lpse.tenders.models import Tender


def is_opener(user: User, tender: Tender) -> bool:
    """A member of the tender's committee who may take part in the opening."""
    return has_perm(user, Perm.OPEN_BIDS) and is_committee_member(user, tender.committee_id)


def access_tender_as_opener(*, user: User, tender: Tender) -> Tender:
    if not is_opener(user, tender):
        raise PermissionDenied(_("Only a member of the tender's committee may do this."))
    return tender


def can_view_opened(user: User, tender: Tender) -> bool:
    """Opened bids are read by the tender's committee and by the LKPP auditor."""
    return is_opener(user, tender) or has_perm(user, Perm.VIEW_OPENED_BIDS)


def access_bid_as_vendor(*, user: User, bid: Bid) -> Bid:
    vendor = getattr(user, "vendor", None) if has_perm(user, Perm.SUBMIT_BIDS) else None
    if vendor is None or bid.participant.vendor_id != vendor.pk:
        raise Http404
    return bid


def access_case_as_examiner(*, user: User) -> None:
    if not has_perm(user, Perm.EXAMINE_BID_FILES):
        raise PermissionDenied(_("Only an LPSE administrator may examine bid files."))
