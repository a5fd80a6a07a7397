"""Every change to helpdesk tickets, canned answers and knowledge-base articles.

Each service runs in one transaction, records a `TicketEvent` (the step, its actor and its
time, read by the SOP report) and an audit event, and sends e-mail only on commit.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Sequence
from datetime import datetime
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from typing import Any, Protocol

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lpse.accounts.models import User
from lpse.accounts.roles import Perm, Role, has_perm
from lpse.audit.services import audit_record
from lpse.core.calendar import add_working_days, localdate_wib, to_wib
from lpse.core.files import JPEG, PDF, PNG, FilePolicy, FileRejected, store_file
from lpse.core.mail import send_mail_on_commit
from lpse.helpdesk import sla
from lpse.helpdesk.models import (
    Article,
    CannedResponse,
    LkppEscalation,
    ServiceLevelPolicy,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketLink,
    TicketMessage,
)

ATTACHMENT_PURPOSE = "helpdesk.attachment"
ATTACHMENT_POLICY = FilePolicy(
    max_bytes=5 * 1024 * 1024, allowed_types=frozenset({PDF, JPEG, PNG})
)
#: Resolved tickets the requester neither rates nor reopens are closed after this many
#: working days.
AUTO_CLOSE_WORKING_DAYS = 5
TICKET_SIGNING_SALT = "lpse.helpdesk.ticket"
NUMBER_IN_SUBJECT = re.compile(r"\[#?(HD-\d{4}-\d{5,})\]")


class UploadLike(Protocol):
    @property
    def name(self) -> str | None: ...

    def read(self, size: int = -1, /) -> bytes: ...


# --- Helpers -------------------------------------------------------------------------------


def _require(actor: User, perm: Perm) -> None:
    if not has_perm(actor, perm):
        raise PermissionDenied(perm.value)


def _event(ticket: Ticket, action: str, actor: User | None, now: datetime,
           **data: Any) -> TicketEvent:
    event = TicketEvent.objects.create(ticket=ticket, action=action, actor=actor, at=now,
                                       data=data)
    audit_record(action=f"helpdesk.ticket.{action}", actor=actor, target=ticket,
                 data={"number": ticket.number, **data})
    return event


def _save(ticket: Ticket, *fields: str) -> None:
    ticket.full_clean()
    ticket.save(update_fields=[*fields, "updated_at"])


def ticket_token(ticket: Ticket) -> str:
    """The signed token of the requester's link to a ticket (no login needed)."""
    return signing.Signer(salt=TICKET_SIGNING_SALT).sign(str(ticket.public_key))


def ticket_public_key(token: str) -> str | None:
    try:
        return signing.Signer(salt=TICKET_SIGNING_SALT).unsign(token)
    except signing.BadSignature:
        return None


def requester_link(ticket: Ticket) -> str:
    if ticket.requester_id:
        return settings.SITE_URL + reverse("helpdesk:my_ticket", args=[ticket.pk])
    return settings.SITE_URL + reverse("helpdesk:public_ticket", args=[ticket_token(ticket)])


def _recipient(ticket: Ticket) -> str:
    if ticket.requester is not None and ticket.requester.email:
        return ticket.requester.email
    return ticket.requester_email


def requester_address(ticket: Ticket) -> str:
    """Where the requester's mail goes ("" when nobody can be written to)."""
    return _recipient(ticket)


def _mail_requester(ticket: Ticket, template: str, **context: Any) -> str:
    address = _recipient(ticket)
    if not address:
        return ""
    language = (ticket.requester.preferred_language if ticket.requester is not None
                else ticket.requester_language)
    send_mail_on_commit(
        to=[address], template=f"helpdesk/email/{template}", language=language,
        context={"ticket": ticket, "link": requester_link(ticket), **context},
        reply_to=[settings.LPSE_UNIT_EMAIL],
    )
    return address


#: How many merges deep the answer of a ticket is carried (a merged ticket merged again).
MERGE_DEPTH = 10


def merge_target(ticket: Ticket) -> Ticket | None:
    """The ticket that now carries a merged ticket (following merges of merges), or None
    when `ticket` is not merged."""
    target = ticket.merged_into if ticket.status == Ticket.Status.MERGED else None
    for _step in range(MERGE_DEPTH):
        if target is None or target.status != Ticket.Status.MERGED or \
                target.merged_into is None:
            break
        target = target.merged_into
    return target


def merged_tickets_of(ticket: Ticket) -> list[Ticket]:
    """Tickets merged into `ticket`, directly or through another merged ticket."""
    found: list[Ticket] = []
    seen = {ticket.pk}
    frontier = [ticket.pk]
    for _step in range(MERGE_DEPTH):
        if not frontier:
            break
        batch = [t for t in Ticket.objects.filter(merged_into_id__in=frontier,
                                                  status=Ticket.Status.MERGED)
                 .select_related("requester").order_by("pk") if t.pk not in seen]
        seen.update(t.pk for t in batch)
        found.extend(batch)
        frontier = [t.pk for t in batch]
    return found


def _merged_recipients(ticket: Ticket) -> list[tuple[Ticket, str]]:
    """The requesters of tickets merged into `ticket` who are not its own requester: they
    were told they would receive its answer. One entry per address."""
    taken = {_recipient(ticket).lower()} - {""}
    recipients = []
    for merged in merged_tickets_of(ticket):
        address = _recipient(merged)
        if address and address.lower() not in taken:
            taken.add(address.lower())
            recipients.append((merged, address))
    return recipients


def _mail_merged(ticket: Ticket, recipients: list[tuple[Ticket, str]], template: str,
                 **context: Any) -> None:
    """E-mail each merged ticket's requester about `ticket`, with the link to their own
    request page (which shows the answers given on `ticket`)."""
    for merged, _address in recipients:
        _mail_requester(merged, template, into=ticket, **context)


def open_lkpp_escalation(ticket: Ticket) -> LkppEscalation | None:
    """The escalation still with LKPP (sent or in progress), if any."""
    return ticket.lkpp_escalations.filter(
        status__in=[LkppEscalation.Status.SENT, LkppEscalation.Status.IN_PROGRESS]
    ).order_by("-sent_at").first()


def _check_not_with_lkpp(ticket: Ticket, field: str | None = None) -> None:
    escalation = open_lkpp_escalation(ticket)
    if escalation is None:
        return
    message = _("The case is still with LKPP (reference %(reference)s). Record LKPP's "
                "answer, or withdraw the escalation, before resolving the ticket.") % {
        "reference": escalation.reference}
    raise ValidationError({field: message} if field else message)


def awaits_requester(ticket: Ticket) -> bool:
    """Whether the helpdesk has answered and the requester has not written since: only then
    may the ticket wait for the requester (and the clock pause)."""
    last = ticket.messages.filter(
        kind__in=[TicketMessage.Kind.REQUESTER, TicketMessage.Kind.REPLY]
    ).order_by("-created_at", "-pk").first()
    return last is not None and last.kind == TicketMessage.Kind.REPLY


def _store_attachments(ticket: Ticket, files: Sequence[UploadLike], *, actor: User | None,
                       message: TicketMessage | None, internal: bool = False
                       ) -> list[TicketAttachment]:
    stored = []
    for upload in files:
        file = store_file(source=upload, original_name=upload.name or "file",  # type: ignore[arg-type]
                          purpose=ATTACHMENT_PURPOSE, policy=ATTACHMENT_POLICY,
                          uploaded_by=actor)
        stored.append(TicketAttachment.objects.create(ticket=ticket, message=message,
                                                      file=file, internal=internal))
    return stored


def requester_type_for(user: User) -> str:
    roles = user.role_set
    for role, kind in ((Role.VENDOR, Ticket.RequesterType.VENDOR),
                       (Role.AGENCY_ADMIN, Ticket.RequesterType.AGENCY_ADMIN),
                       (Role.PPK, Ticket.RequesterType.PPK),
                       (Role.COMMITTEE, Ticket.RequesterType.COMMITTEE),
                       (Role.PROCUREMENT_OFFICER, Ticket.RequesterType.COMMITTEE)):
        if role in roles:
            return kind
    return Ticket.RequesterType.PUBLIC


# --- Recording a request -------------------------------------------------------------------


@transaction.atomic
def ticket_create(
    *,
    actor: User | None,
    channel: str,
    requester_type: str,
    requester_name: str,
    category: str,
    subject: str,
    description: str,
    requester: User | None = None,
    requester_email: str = "",
    requester_phone: str = "",
    requester_organisation: str = "",
    requester_language: str = "id",
    priority: str = Ticket.Priority.NORMAL,
    tender_code: str = "",
    files: Sequence[UploadLike] = (),
    answer: str = "",
    email_answer: bool = False,
    source_message_id: str = "",
    received_at: datetime | None = None,
) -> Ticket:
    """Record one request (any channel). Phone and walk-in requests are logged by a
    helpdesk officer; `answer` records an answer given on the spot and resolves the ticket.
    """
    staff_channels = {Ticket.Channel.PHONE, Ticket.Channel.WALK_IN, Ticket.Channel.EMAIL}
    if channel in staff_channels and (actor is None or not has_perm(actor, Perm.HANDLE_TICKETS)):
        raise PermissionDenied(Perm.HANDLE_TICKETS.value)
    now = timezone.now()
    vendor = None
    if requester is not None:
        requester_type = requester_type_for(requester) if channel == Ticket.Channel.WEB_ACCOUNT \
            else requester_type
        requester_name = requester_name or requester.full_name or requester.username
        requester_email = requester_email or requester.email
        requester_language = requester.preferred_language
        vendor = getattr(requester, "vendor", None) if requester.is_vendor_user else None
        if vendor is not None:
            requester_organisation = requester_organisation or vendor.name
        elif requester.agency is not None:
            requester_organisation = requester_organisation or requester.agency.name
    if channel in (Ticket.Channel.WEB_PUBLIC, Ticket.Channel.EMAIL) and not requester_email:
        raise ValidationError({"requester_email": _("An e-mail address is needed to answer.")})
    ticket = Ticket(
        channel=channel, requester_type=requester_type, requester=requester, vendor=vendor,
        requester_name=requester_name.strip(), requester_email=requester_email.strip(),
        requester_phone=requester_phone.strip(),
        requester_organisation=requester_organisation.strip(),
        requester_language=requester_language, category=category, priority=priority,
        subject=subject.strip(), description=description.strip(),
        tender_code=tender_code.strip().upper(), logged_by=actor if channel in staff_channels
        else None, received_at=received_at or now, source_message_id=source_message_id[:250],
    )
    sla.recompute(ticket)
    ticket.number = "pending"
    ticket.full_clean(exclude=["number"])
    ticket.save()
    ticket.number = f"HD-{to_wib(ticket.received_at).year}-{ticket.pk:05d}"
    ticket.save(update_fields=["number"])
    _event(ticket, TicketEvent.Action.CREATED, actor, now, channel=channel,
           category=category, priority=priority)
    _store_attachments(ticket, files, actor=actor, message=None)
    if answer.strip():
        assert actor is not None
        ticket_reply(actor=actor, ticket=ticket, body=answer, resolve=True,
                     send_email=email_answer)
    else:
        _mail_requester(ticket, "ticket_received")
    return ticket


# --- Working on a ticket -------------------------------------------------------------------


@transaction.atomic
def ticket_assign(*, actor: User, ticket: Ticket, assignee: User | None) -> Ticket:
    _require(actor, Perm.HANDLE_TICKETS)
    if assignee is not None and not has_perm(assignee, Perm.HANDLE_TICKETS):
        raise ValidationError({"assignee": _("This user does not handle tickets.")})
    ticket.assignee = assignee
    fields = ["assignee"]
    if ticket.status == Ticket.Status.NEW:
        ticket.status = Ticket.Status.OPEN
        fields.append("status")
    _save(ticket, *fields)
    _event(ticket, TicketEvent.Action.ASSIGNED, actor, timezone.now(),
           assignee=assignee.username if assignee else None)
    return ticket


def _check_open(ticket: Ticket) -> None:
    if ticket.status == Ticket.Status.MERGED:
        raise ValidationError(_("This ticket was merged into %(number)s.")
                              % {"number": ticket.merged_into.number if ticket.merged_into
                                 else "?"})
    if ticket.status == Ticket.Status.CLOSED:
        raise ValidationError(_("This ticket is closed."))


@transaction.atomic
def ticket_reply(
    *,
    actor: User,
    ticket: Ticket,
    body: str,
    files: Sequence[UploadLike] = (),
    wait_for_requester: bool = False,
    resolve: bool = False,
    send_email: bool = True,
) -> TicketMessage:
    """Answer the requester (e-mailed). Optionally wait for them (the clock pauses) or
    resolve the ticket with this answer."""
    _require(actor, Perm.HANDLE_TICKETS)
    _check_open(ticket)
    if not body.strip():
        raise ValidationError({"body": _("Write the answer.")})
    if resolve:
        _check_not_with_lkpp(ticket, "after")
    now = timezone.now()
    copies = _merged_recipients(ticket) if send_email else []
    message = TicketMessage.objects.create(ticket=ticket, kind=TicketMessage.Kind.REPLY,
                                           author=actor, author_name=actor.full_name,
                                           body=body.strip())
    _store_attachments(ticket, files, actor=actor, message=message)
    fields = ["status", "first_responded_at", "first_response_due", "update_due",
              "resolution_due", "first_response_breached", "paused_since", "paused_minutes"]
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
        if ticket.first_response_due and now > ticket.first_response_due:
            ticket.first_response_breached = True
    if ticket.assignee_id is None:
        ticket.assignee = actor
        fields.append("assignee")
    if ticket.status in (Ticket.Status.NEW, Ticket.Status.WAITING, Ticket.Status.RESOLVED):
        ticket.status = Ticket.Status.OPEN
    if ticket.is_paused:
        sla.resume(ticket, now=now)
    sla.recompute(ticket, last_update=now)
    _save(ticket, *fields)
    _event(ticket, TicketEvent.Action.REPLIED, actor, now, message=message.pk,
           emailed=send_email, **({"copied_to": [a for _t, a in copies]} if copies else {}))
    if resolve:
        ticket_resolve(actor=actor, ticket=ticket, notify=False)
    elif wait_for_requester:
        ticket_wait(actor=actor, ticket=ticket)
    if send_email:
        message.emailed_to = _mail_requester(ticket, "ticket_reply", message=message,
                                             resolved=resolve, waiting=wait_for_requester)
        message.save(update_fields=["emailed_to"])
        # Requesters of duplicates merged into this ticket were promised its answer.
        _mail_merged(ticket, copies, "ticket_reply", message=message, resolved=resolve,
                     waiting=False)
    return message


@transaction.atomic
def ticket_note(*, actor: User, ticket: Ticket, body: str,
                files: Sequence[UploadLike] = ()) -> TicketMessage:
    """An internal note: never shown or sent to the requester."""
    _require(actor, Perm.HANDLE_TICKETS)
    if not body.strip():
        raise ValidationError({"body": _("Write the note.")})
    message = TicketMessage.objects.create(ticket=ticket, kind=TicketMessage.Kind.NOTE,
                                           author=actor, author_name=actor.full_name,
                                           body=body.strip())
    _store_attachments(ticket, files, actor=actor, message=message, internal=True)
    _event(ticket, TicketEvent.Action.NOTE, actor, timezone.now(), message=message.pk)
    return message


@transaction.atomic
def ticket_requester_message(*, ticket: Ticket, body: str, user: User | None = None,
                             files: Sequence[UploadLike] = (),
                             source_message_id: str = "") -> TicketMessage:
    """The requester writes (web or e-mail): a waiting ticket resumes, a resolved one
    reopens."""
    _check_open(ticket)
    if not body.strip():
        raise ValidationError({"body": _("Write your message.")})
    now = timezone.now()
    message = TicketMessage.objects.create(
        ticket=ticket, kind=TicketMessage.Kind.REQUESTER, author=user,
        author_name=ticket.requester_name, body=body.strip(),
        source_message_id=source_message_id[:250],
    )
    _store_attachments(ticket, files, actor=user, message=message)
    _event(ticket, TicketEvent.Action.REQUESTER_MESSAGE, user, now, message=message.pk)
    if ticket.status == Ticket.Status.WAITING:
        _resume(ticket, actor=user, now=now)
    elif ticket.status == Ticket.Status.RESOLVED:
        ticket_reopen(actor=user, ticket=ticket)
    return message


@transaction.atomic
def ticket_set_priority(*, actor: User, ticket: Ticket, priority: str) -> Ticket:
    _require(actor, Perm.HANDLE_TICKETS)
    _check_open(ticket)
    old = ticket.priority
    ticket.priority = priority
    sla.recompute(ticket)
    _save(ticket, "priority", "first_response_due", "update_due", "resolution_due")
    _event(ticket, TicketEvent.Action.PRIORITY, actor, timezone.now(), old=old, new=priority)
    return ticket


@transaction.atomic
def ticket_wait(*, actor: User, ticket: Ticket) -> Ticket:
    """Wait for the requester: the service-level clock stops until they answer."""
    _require(actor, Perm.HANDLE_TICKETS)
    _check_open(ticket)
    if ticket.status not in (Ticket.Status.NEW, Ticket.Status.OPEN):
        raise ValidationError(_("Only an open ticket can wait for the requester."))
    if not awaits_requester(ticket):
        raise ValidationError(_(
            "Answer the requester first: the service-level clock pauses only while the "
            "helpdesk waits for the requester to reply to an answer. Write the answer and "
            "choose \"Wait for the requester\"."))
    now = timezone.now()
    ticket.status = Ticket.Status.WAITING
    sla.pause(ticket, now=now)
    _save(ticket, "status", "paused_since", "first_response_due", "update_due",
          "resolution_due")
    _event(ticket, TicketEvent.Action.WAITING, actor, now)
    return ticket


def _resume(ticket: Ticket, *, actor: User | None, now: datetime) -> None:
    ticket.status = Ticket.Status.OPEN
    minutes = sla.resume(ticket, now=now)
    _save(ticket, "status", "paused_since", "paused_minutes", "first_response_due",
          "update_due", "resolution_due")
    _event(ticket, TicketEvent.Action.RESUMED, actor, now, paused_minutes=minutes)


@transaction.atomic
def ticket_resume(*, actor: User, ticket: Ticket) -> Ticket:
    _require(actor, Perm.HANDLE_TICKETS)
    if ticket.status != Ticket.Status.WAITING:
        raise ValidationError(_("The ticket is not waiting for the requester."))
    _resume(ticket, actor=actor, now=timezone.now())
    return ticket


@transaction.atomic
def ticket_resolve(*, actor: User, ticket: Ticket, notify: bool = True) -> Ticket:
    _require(actor, Perm.HANDLE_TICKETS)
    _check_open(ticket)
    if ticket.status == Ticket.Status.RESOLVED:
        return ticket
    if ticket.first_responded_at is None:
        raise ValidationError(_("Answer the requester before resolving the ticket."))
    _check_not_with_lkpp(ticket)
    now = timezone.now()
    if ticket.is_paused:
        sla.resume(ticket, now=now)
    if ticket.resolution_due and now > ticket.resolution_due:
        ticket.resolution_breached = True
    ticket.status = Ticket.Status.RESOLVED
    ticket.resolved_at = now
    sla.recompute(ticket)
    _save(ticket, "status", "resolved_at", "resolution_breached", "paused_since",
          "paused_minutes", "first_response_due", "update_due", "resolution_due")
    _event(ticket, TicketEvent.Action.RESOLVED, actor, now,
           resolution_minutes=sla.resolution_minutes(ticket))
    if notify:
        _mail_requester(ticket, "ticket_resolved")
    return ticket


@transaction.atomic
def ticket_reopen(*, actor: User | None, ticket: Ticket) -> Ticket:
    if actor is not None and not has_perm(actor, Perm.HANDLE_TICKETS) and \
            ticket.requester_id != actor.pk:
        raise PermissionDenied
    if ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        raise ValidationError(_("Only a resolved or closed ticket can be reopened."))
    now = timezone.now()
    ticket.status = Ticket.Status.OPEN
    ticket.resolved_at = ticket.closed_at = None
    sla.recompute(ticket, last_update=now)
    _save(ticket, "status", "resolved_at", "closed_at", "first_response_due", "update_due",
          "resolution_due")
    _event(ticket, TicketEvent.Action.REOPENED, actor, now)
    return ticket


@transaction.atomic
def ticket_close(*, actor: User | None, ticket: Ticket, reason: str = "") -> Ticket:
    if actor is not None and not has_perm(actor, Perm.HANDLE_TICKETS) and \
            ticket.requester_id != actor.pk:
        raise PermissionDenied
    if ticket.status != Ticket.Status.RESOLVED:
        raise ValidationError(_("Only a resolved ticket can be closed."))
    now = timezone.now()
    ticket.status = Ticket.Status.CLOSED
    ticket.closed_at = now
    _save(ticket, "status", "closed_at")
    _event(ticket, TicketEvent.Action.CLOSED, actor, now, reason=reason)
    return ticket


@transaction.atomic
def ticket_rate(*, ticket: Ticket, rating: int, comment: str = "",
                user: User | None = None) -> Ticket:
    """The requester rates the service; this closes a resolved ticket."""
    if ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        raise ValidationError(_("You can rate the service once your request is resolved."))
    if ticket.rating is not None:
        raise ValidationError(_("This request has already been rated."))
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose from 1 to 5.")})
    now = timezone.now()
    ticket.rating = rating
    ticket.rating_comment = comment.strip()[:500]
    fields = ["rating", "rating_comment"]
    if ticket.status == Ticket.Status.RESOLVED:
        ticket.status = Ticket.Status.CLOSED
        ticket.closed_at = now
        fields += ["status", "closed_at"]
    _save(ticket, *fields)
    _event(ticket, TicketEvent.Action.RATED, user, now, rating=rating)
    return ticket


@transaction.atomic
def ticket_merge(*, actor: User, ticket: Ticket, into: Ticket) -> Ticket:
    """Merge a duplicate into another ticket: its text joins the other ticket's
    conversation, its attachments move, and its requester is told the new number."""
    _require(actor, Perm.HANDLE_TICKETS)
    _check_open(ticket)
    if into.pk == ticket.pk:
        raise ValidationError({"into": _("A ticket cannot be merged into itself.")})
    if into.status in (Ticket.Status.MERGED, Ticket.Status.CLOSED):
        raise ValidationError({"into": _("The target ticket is closed or merged.")})
    now = timezone.now()
    TicketMessage.objects.create(
        ticket=into, kind=TicketMessage.Kind.REQUESTER, author=ticket.requester,
        author_name=ticket.requester_name,
        body=_("(Merged from %(number)s) %(subject)s\n\n%(text)s") % {
            "number": ticket.number, "subject": ticket.subject, "text": ticket.description},
    )
    TicketAttachment.objects.filter(ticket=ticket).update(ticket=into)
    ticket.status = Ticket.Status.MERGED
    ticket.merged_into = into
    ticket.paused_since = None
    sla.recompute(ticket)
    _save(ticket, "status", "merged_into", "paused_since", "first_response_due",
          "update_due", "resolution_due")
    _event(ticket, TicketEvent.Action.MERGED, actor, now, into=into.number)
    _event(into, TicketEvent.Action.MERGED, actor, now, merged=ticket.number)
    if _recipient(ticket) and _recipient(ticket) != _recipient(into):
        _mail_requester(ticket, "ticket_merged", into=into)
    return into


@transaction.atomic
def ticket_escalate_lkpp(*, actor: User, ticket: Ticket, reference: str,
                         summary: str) -> LkppEscalation:
    """Forward a problem LPSE cannot solve to LKPP (Pasal 9 (3)), with LKPP's reference."""
    _require(actor, Perm.HANDLE_TICKETS)
    _check_open(ticket)
    if not reference.strip():
        raise ValidationError({"reference": _("Enter LKPP's reference number.")})
    now = timezone.now()
    escalation = LkppEscalation(ticket=ticket, reference=reference.strip(),
                                summary=summary.strip(), sent_by=actor, sent_at=now)
    escalation.full_clean()
    escalation.save()
    if ticket.is_paused:
        sla.resume(ticket, now=now)
    ticket.status = Ticket.Status.LKPP
    sla.recompute(ticket)
    _save(ticket, "status", "paused_since", "paused_minutes", "first_response_due",
          "update_due", "resolution_due")
    copies = _merged_recipients(ticket)
    notified = _mail_requester(ticket, "ticket_lkpp", escalation=escalation)
    _mail_merged(ticket, copies, "ticket_lkpp", escalation=escalation)
    _event(ticket, TicketEvent.Action.ESCALATED_LKPP, actor, now, reference=reference.strip(),
           notified=[a for a in [notified, *(a for _t, a in copies)] if a])
    return escalation


@transaction.atomic
def lkpp_escalation_update(*, actor: User, escalation: LkppEscalation, status: str,
                           answer: str = "") -> LkppEscalation:
    _require(actor, Perm.HANDLE_TICKETS)
    now = timezone.now()
    if status == LkppEscalation.Status.ANSWERED and not answer.strip():
        raise ValidationError({"answer": _("Record LKPP's answer.")})
    escalation.status = status
    if answer.strip():
        escalation.answer = answer.strip()
    if status == LkppEscalation.Status.ANSWERED:
        escalation.answered_at = now
    escalation.full_clean()
    escalation.save(update_fields=["status", "answer", "answered_at", "updated_at"])
    ticket = escalation.ticket
    if status in (LkppEscalation.Status.ANSWERED, LkppEscalation.Status.WITHDRAWN) and \
            ticket.status == Ticket.Status.LKPP:
        ticket.status = Ticket.Status.OPEN
        sla.recompute(ticket, last_update=now)
        _save(ticket, "status", "first_response_due", "update_due", "resolution_due")
    _event(ticket, TicketEvent.Action.LKPP_UPDATE, actor, now, reference=escalation.reference,
           status=status)
    return escalation


@transaction.atomic
def ticket_link(*, actor: User | None, ticket: Ticket, kind: str, object_type: str,
                object_id: str, label: str = "") -> TicketLink:
    """Attach a record of another app (see docs/apps/helpdesk.md, "Linked records")."""
    link, created = TicketLink.objects.get_or_create(
        ticket=ticket, object_type=object_type, object_id=str(object_id),
        defaults={"kind": kind, "label": label[:200], "created_by": actor},
    )
    if created:
        _event(ticket, TicketEvent.Action.LINKED, actor, timezone.now(), kind=kind,
               object_type=object_type, object_id=str(object_id))
    return link


# --- Service levels: breaches and escalation to the head ------------------------------------


def sla_check(*, now: datetime | None = None) -> list[Ticket]:
    """Flag overdue service levels; the first breach of a ticket escalates it to the head.

    Run every few minutes by the scheduler (lpse/helpdesk/schedules.py). Each ticket is
    handled in its own transaction under a row lock, so two runs never escalate twice.
    """
    now = now or timezone.now()
    breached: list[Ticket] = []
    candidates = Ticket.objects.filter(
        status__in=Ticket.ACTIVE_STATES, paused_since__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=pk)
            kinds = sla.breaches_due(ticket, now=now)
            if not kinds:
                continue
            for kind in kinds:
                setattr(ticket, f"{kind}_breached", True)
            fields = [f"{kind}_breached" for kind in kinds]
            first_escalation = ticket.escalated_to_head_at is None
            if first_escalation:
                ticket.escalated_to_head_at = now
                fields.append("escalated_to_head_at")
            ticket.save(update_fields=[*fields, "updated_at"])
            _event(ticket, TicketEvent.Action.BREACHED, None, now, kinds=kinds)
            if first_escalation:
                heads = list(User.objects.filter(role_assignments__role=Role.HEAD,
                                                 is_active=True))
                _event(ticket, TicketEvent.Action.ESCALATED_HEAD, None, now,
                       heads=[h.username for h in heads])
                for head in heads:
                    send_mail_on_commit(
                        to=[head.email], template="helpdesk/email/ticket_escalated",
                        language=head.preferred_language,
                        context={"ticket": ticket, "kinds": kinds, "head": head,
                                 "link": settings.SITE_URL + reverse(
                                     "helpdesk:desk_ticket", args=[ticket.pk])},
                    )
            breached.append(ticket)
    return breached


def tickets_autoclose(*, now: datetime | None = None) -> int:
    """Close resolved tickets the requester left alone for AUTO_CLOSE_WORKING_DAYS."""
    now = now or timezone.now()
    closed = 0
    for ticket in Ticket.objects.filter(status=Ticket.Status.RESOLVED,
                                        resolved_at__isnull=False):
        assert ticket.resolved_at is not None
        limit = add_working_days(to_wib(ticket.resolved_at).date(), AUTO_CLOSE_WORKING_DAYS)
        if localdate_wib(now) > limit:
            ticket_close(actor=None, ticket=ticket, reason="auto")
            closed += 1
    return closed


# --- E-mail in -----------------------------------------------------------------------------


def _message_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = str(part.get_content())
    if part.get_content_type() == "text/html":
        content = strip_tags(content)
    return content.strip()


class _NamedBytes(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name: str = name


@transaction.atomic
def ticket_from_email(*, actor: User, raw: bytes) -> tuple[Ticket, bool]:
    """Record an e-mail sent to the helpdesk address: a new ticket, or a message on the
    ticket whose number is in the subject (from the same requester). Returns the ticket and
    whether it was created. A message seen before (same Message-ID) is not recorded twice.
    """
    _require(actor, Perm.HANDLE_TICKETS)
    message = BytesParser(policy=email_policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    name, address = parseaddr(str(message.get("From", "")))
    if not address or "@" not in address:
        raise ValidationError(_("The message has no sender address."))
    message_id = str(message.get("Message-ID", "")).strip()
    if message_id:
        seen = Ticket.objects.filter(source_message_id=message_id).first() or next(
            (m.ticket for m in TicketMessage.objects.filter(source_message_id=message_id)
             .select_related("ticket")[:1]), None)
        if seen is not None:
            return seen, False
    subject = str(message.get("Subject", "")).strip() or _("(no subject)")
    text = _message_text(message) or subject
    uploads: list[_NamedBytes] = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            uploads.append(_NamedBytes(payload, part.get_filename() or "attachment"))
    match = NUMBER_IN_SUBJECT.search(subject)
    existing = Ticket.objects.filter(number=match.group(1)).first() if match else None
    reply: TicketMessage | None = None
    if existing is not None and address.lower() in {
        existing.requester_email.lower(),
        (existing.requester.email.lower() if existing.requester else ""),
    } and existing.status not in (Ticket.Status.MERGED, Ticket.Status.CLOSED):
        reply = ticket_requester_message(ticket=existing, body=text, user=existing.requester,
                                         source_message_id=message_id)
        ticket, created = existing, False
    else:
        account = User.objects.filter(email__iexact=address, is_active=True).first()
        ticket = ticket_create(
            actor=actor, channel=Ticket.Channel.EMAIL,
            requester_type=requester_type_for(account) if account else
            Ticket.RequesterType.PUBLIC,
            requester=account, requester_name=name or address, requester_email=address,
            category=Ticket.Category.OTHER, subject=subject[:200], description=text,
            source_message_id=message_id,
        )
        created = True
    refused: list[str] = []
    for upload in uploads:
        try:
            # One savepoint per file: a refused file does not refuse the whole message.
            with transaction.atomic():
                _store_attachments(ticket, [upload], actor=actor, message=reply)
        except FileRejected:
            refused.append(upload.name)
    if refused:
        TicketMessage.objects.create(
            ticket=ticket, kind=TicketMessage.Kind.SYSTEM,
            body=_("Attachments not accepted (only PDF, JPEG or PNG up to 5 MB): %(names)s")
            % {"names": ", ".join(refused)},
        )
    return ticket, created


# --- Canned answers and the knowledge base --------------------------------------------------


@transaction.atomic
def service_levels_save(*, actor: User, levels: dict[str, sla.ServiceLevel]) -> list[str]:
    """Set the unit's service levels; returns the priorities that changed (audited with
    their old and new targets). Applies to new tickets and to open tickets from their next
    change of state."""
    _require(actor, Perm.MANAGE_SERVICE_LEVELS)
    before = sla.service_levels(ServiceLevelPolicy.objects.select_for_update())
    changed = {}
    for priority, level in levels.items():
        if priority not in Ticket.Priority.values:
            raise ValidationError(_("Unknown priority."))
        if not (0 < level.first_response <= level.resolution <= sla.max_minutes()
                and 0 < level.update <= level.resolution):
            raise ValidationError(_("%(priority)s: the first response and updates must be "
                                    "due before the resolution, within 30 working days.")
                                  % {"priority": Ticket.Priority(priority).label})
        if level == before[priority]:
            continue
        ServiceLevelPolicy.objects.update_or_create(priority=priority, defaults={
            "first_response_minutes": level.first_response, "update_minutes": level.update,
            "resolution_minutes": level.resolution, "updated_by": actor})
        changed[priority] = {"before": dataclasses.asdict(before[priority]),
                             "after": dataclasses.asdict(level)}
    if changed:
        audit_record(action="helpdesk.service_levels.changed", actor=actor, data=changed)
    return list(changed)


@transaction.atomic
def canned_response_save(*, actor: User, response: CannedResponse | None, title: str,
                         body: str, category: str = "", is_active: bool = True
                         ) -> CannedResponse:
    _require(actor, Perm.HANDLE_TICKETS)
    response = response or CannedResponse()
    response.title, response.body = title.strip(), body.strip()
    response.category, response.is_active = category, is_active
    response.full_clean()
    response.save()
    audit_record(action="helpdesk.canned_response.saved", actor=actor, target=response,
                 data={"title": response.title, "active": is_active})
    return response


def _unique_slug(title: str, exclude: int | None) -> str:
    base = slugify(title)[:180] or "artikel"
    slug, n = base, 2
    taken = Article.objects.exclude(pk=exclude) if exclude else Article.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def article_save(*, actor: User, article: Article | None, title: str, category: str,
                 body: str, keywords: str = "", is_published: bool = True) -> Article:
    _require(actor, Perm.MANAGE_KNOWLEDGE_BASE)
    article = article or Article()
    article.title, article.category, article.body = title.strip(), category, body.strip()
    article.keywords, article.is_published = keywords.strip(), is_published
    article.updated_by = actor
    if not article.slug:
        article.slug = _unique_slug(article.title, article.pk)
    article.full_clean()
    article.save()
    audit_record(action="helpdesk.article.saved", actor=actor, target=article,
                 data={"title": article.title, "published": is_published})
    return article


def article_viewed(article: Article) -> None:
    """Count a view (no audit: reading public content changes nothing of substance)."""
    from django.db.models import F

    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)

