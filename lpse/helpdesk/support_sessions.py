"""Support sessions: the vendor lets the helpdesk look at their bid status, read-only.

Instead of telling anyone a password, the vendor grants — from their own account, for one
ticket — a session of a few minutes during which helpdesk officers may open a read-only view
of what the vendor sees of their bid for the ticket's tender (files declared, sizes,
statuses, receipts; never contents). Every page view is audited; the vendor may revoke the
session at any time; an expired or revoked session is refused with a clear message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.audit.services import audit_record
from lpse.bids import selectors as bid_selectors
from lpse.bids.models import Bid
from lpse.core.calendar import to_wib
from lpse.helpdesk import services
from lpse.helpdesk.diagnostics import tender_of
from lpse.helpdesk.forms import SUPPORT_DURATIONS
from lpse.helpdesk.models import SupportSession, Ticket, TicketEvent

#: The durations a vendor may choose (minutes).
DURATIONS = SUPPORT_DURATIONS


class SessionUnavailable(PermissionDenied):
    """The session has expired or was revoked (shown to the officer as a 403 page)."""


@transaction.atomic
def support_session_grant(*, actor: User, ticket: Ticket, minutes: int) -> SupportSession:
    """The vendor grants the helpdesk a read-only session for one of their own tickets."""
    vendor = getattr(actor, "vendor", None) if actor.is_vendor_user else None
    if vendor is None or ticket.requester_id != actor.pk or ticket.vendor_id != vendor.pk:
        raise PermissionDenied(_("Only the vendor who made the request may grant access."))
    if not ticket.is_open:
        raise ValidationError(_("This request is no longer open."))
    if not ticket.tender_code:
        raise ValidationError(_("The request names no tender."))
    if minutes not in dict(DURATIONS):
        raise ValidationError({"minutes": _("Choose a duration from the list.")})
    now = timezone.now()
    active = ticket.support_sessions.filter(revoked_at__isnull=True, expires_at__gt=now
                                            ).order_by("-expires_at").first()
    if active is not None:
        raise ValidationError(_(
            "Read-only access is already active until %(time)s. Revoke it first if you want "
            "to grant access for another duration.")
            % {"time": f"{to_wib(active.expires_at):%H:%M} WIB"})
    session = SupportSession.objects.create(
        ticket=ticket, vendor=vendor, tender_code=ticket.tender_code, granted_by=actor,
        granted_at=now, expires_at=now + timedelta(minutes=minutes))
    services._event(ticket, TicketEvent.Action.SUPPORT_GRANTED, actor, now,
                    session=session.pk, minutes=minutes)
    return session


@transaction.atomic
def support_session_revoke(*, actor: User, session: SupportSession) -> SupportSession:
    if session.granted_by_id != actor.pk and session.ticket.requester_id != actor.pk:
        raise PermissionDenied(_("Only the vendor who granted access may revoke it."))
    if session.revoked_at is None:
        now = timezone.now()
        session.revoked_at = now
        session.save(update_fields=["revoked_at"])
        services._event(session.ticket, TicketEvent.Action.SUPPORT_REVOKED, actor, now,
                        session=session.pk)
    return session


def live_session(*, actor: User, session: SupportSession) -> SupportSession:
    """The session, when `actor` is an administrator who runs the 3.7 diagnostics and it is
    live; refused otherwise."""
    if not has_perm(actor, Perm.RUN_UPLOAD_DIAGNOSTICS):
        raise PermissionDenied(Perm.RUN_UPLOAD_DIAGNOSTICS.value)
    if session.revoked_at is not None:
        raise SessionUnavailable(_("The vendor has revoked this support session."))
    if session.ticket.status in (Ticket.Status.CLOSED, Ticket.Status.MERGED):
        raise SessionUnavailable(_("The request is closed: its support session has ended."))
    if not session.is_live():
        raise SessionUnavailable(_("This support session has expired. Ask the vendor to "
                                   "grant a new one from their request."))
    return session


def bid_status_view(*, actor: User, session: SupportSession,
                    ip_address: str | None = None) -> dict[str, Any]:
    """What the vendor sees of their bid for the session's tender — names, sizes, statuses
    and receipts, never a file's content. Each call is one audited page view."""
    live_session(actor=actor, session=session)
    tender = tender_of(session.ticket)
    participant = tender.participants.filter(vendor=session.vendor).first() \
        if tender is not None else None
    context: dict[str, Any] = {"tender": tender, "participant": participant}
    if participant is not None:
        context["current"] = bid_selectors.current_bid(participant)
        context["draft"] = bid_selectors.draft_bid(participant)
        context["history"] = list(bid_selectors.bid_history(participant))
        current = context["current"]
        context["current_files"] = list(current.files.order_by("envelope", "pk")) \
            if isinstance(current, Bid) else []
    with transaction.atomic():
        SupportSession.objects.filter(pk=session.pk).update(views=F("views") + 1)
        audit_record(action="helpdesk.support_session.viewed", actor=actor,
                     target=session.ticket, ip_address=ip_address,
                     data={"session": session.pk, "vendor": session.vendor_id,
                           "tender": session.tender_code, "number": session.ticket.number})
    return context
