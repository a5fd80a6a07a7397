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


def ensure_master_data() -> None:
    """The catalog's master data (seeded by its migration) is flushed by transactional tests
    that ran before; put it back when it is missing."""
    import importlib

    from django.apps import apps

    from lpse.catalog.models import ProcurementCategory

    if not ProcurementCategory.objects.exists():
        importlib.import_module("lpse.catalog.migrations.0002_seed_master_data").seed(apps, None)


def running_tender() -> Any:
    """A published tender (interim offers: no opening keys needed for these tests)."""
    from lpse.bids.testing import without_sealed_bids
    from lpse.tenders.tests.factories import make_tender

    ensure_master_data()
    with without_sealed_bids():
        return make_tender()


def upload_problem_ticket(vendor_user: User, tender_code: str, **fields: Any) -> Ticket:
    """The vendor reports an upload problem from their account."""
    values: dict[str, Any] = {
        "actor": vendor_user, "channel": Ticket.Channel.WEB_ACCOUNT, "requester": vendor_user,
        "requester_type": Ticket.RequesterType.VENDOR, "requester_name": "",
        "category": Ticket.Category.BID_UPLOAD, "subject": "Gagal unggah penawaran",
        "description": "Unggahan berhenti di tengah jalan.", "tender_code": tender_code,
    }
    values.update(fields)
    return ticket_create(**values)
