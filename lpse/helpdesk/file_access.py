from __future__ import annotations

from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.core.files import register_file_access
from lpse.core.models import StoredFile
from lpse.helpdesk.models import Ticket, TicketAttachment, TicketMessage
from lpse.helpdesk.selectors import can_read_desk
from lpse.helpdesk.services import ATTACHMENT_PURPOSE, merge_target


@register_file_access(ATTACHMENT_PURPOSE)
def _ticket_attachment(user: User, stored: StoredFile) -> bool:
    """Desk staff read every attachment; a requester reads the public ones of own tickets,
    and the answers' attachments of the ticket their merged request continues as."""
    if can_read_desk(user):
        return True
    if TicketAttachment.objects.filter(file=stored, internal=False,
                                       ticket__requester=user).exists():
        return True
    # A requester whose request was merged reads the answers given on the ticket that
    # carries it (their request page shows them).
    answer = TicketAttachment.objects.filter(
        file=stored, internal=False, message__kind=TicketMessage.Kind.REPLY).first()
    if answer is None:
        return False
    return any(
        (target := merge_target(mine)) is not None and target.pk == answer.ticket_id
        for mine in Ticket.objects.filter(requester=user, status=Ticket.Status.MERGED)
        .select_related("merged_into")
    )


@register_file_access("helpdesk.diagnostics_package")
def _diagnostics_package(user: User, stored: StoredFile) -> bool:
    """The LKPP escalation package of an upload problem (3.7): desk staff who may read
    upload attempts."""
    return can_read_desk(user) and has_perm(user, Perm.VIEW_UPLOAD_ATTEMPTS)
