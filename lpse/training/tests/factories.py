from __future__ import annotations

from datetime import date, datetime
from typing import Any

from lpse.accounts.models import User
from lpse.core.calendar import WIB
from lpse.helpdesk.tests.factories import PDF_BYTES, upload
from lpse.training import services
from lpse.training.models import Audience, Room, TrainingRequest, TrainingSession


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB)


def room(name: str = "Ruang Pelatihan LPSE", capacity: int = 20) -> Room:
    return Room.objects.get_or_create(name=name, defaults={"capacity": capacity})[0]


def submitted(agency_admin: User, **fields: Any) -> TrainingRequest:
    values: dict[str, Any] = {
        "letter": upload(PDF_BYTES, "surat-permohonan.pdf"), "letter_name": "surat.pdf",
        "letter_number": "005/123/DPUTR/2026", "letter_date": date(2026, 11, 20),
        "topic": "E-tendering untuk Pokja", "participants": 12, "contact_name": "Hendra",
        "contact_phone": "0812-1111-2222",
    }
    values.update(fields)
    return services.training_request_submit(actor=agency_admin, **values)


def scheduled(agency_admin: User, head: User, helpdesk: User, *, day: date,
              hours: tuple[int, int] = (9, 15)) -> TrainingSession:
    request = submitted(agency_admin)
    services.training_request_dispose(actor=head, request=request, to=helpdesk)
    services.training_request_confirm(actor=helpdesk, request=request, agreed_date=day)
    return services.session_schedule(
        actor=helpdesk, title="Pelatihan SPSE DPUTR", audience=Audience.AGENCY,
        starts_at=at(day, hours[0]), ends_at=at(day, hours[1]), room=room(), capacity=12,
        request=request)
