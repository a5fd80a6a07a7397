from __future__ import annotations

import io
from typing import Any

from lpse.accounts.models import User
from lpse.helpdesk.models import Ticket
from lpse.helpdesk.services import ticket_create

# Smallest valid files of each kind, recognised by content.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
             b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00"
             b"\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def upload(data: bytes = PDF_BYTES, name: str = "bukti.pdf") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def phone_ticket(actor: User, **fields: Any) -> Ticket:
    values: dict[str, Any] = {
        "channel": Ticket.Channel.PHONE, "requester_type": Ticket.RequesterType.VENDOR,
        "requester_name": "Ade Sutisna", "requester_email": "ade@mitra.test",
        "requester_phone": "0812-2000-1000", "category": Ticket.Category.REGISTRATION,
        "subject": "Belum menerima e-mail aktivasi", "description": "Sudah daftar kemarin.",
    }
    values.update(fields)
    return ticket_create(actor=actor, **values)
