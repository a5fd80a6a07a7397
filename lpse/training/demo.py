"""Demo training service: rooms, requests in every state and a month of sessions."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from lpse.accounts.models import User
from lpse.audit.services import audit_record
from lpse.core.calendar import WIB, is_working_day, localdate_wib
from lpse.core.demodata import DemoContext
from lpse.core.files import store_bytes
from lpse.core.models import StoredFile
from lpse.core.pdf import PdfDocument
from lpse.training import services
from lpse.training.models import (
    Audience,
    Participant,
    Room,
    TrainingRequest,
    TrainingSession,
    TrainingStep,
)
from lpse.training.services import LETTER_PURPOSE, STANDARD_MINUTES

ORDER = 61

PARTICIPANTS = ["Wawan Setiawan", "Euis Kurniasih", "Cecep Supriatna", "Dian Permana",
                "Lina Herlina", "Agus Setiawan", "Neneng Rohaeni", "Asep Sunandar"]


def _letter(agency_code: str, user: User) -> StoredFile:
    doc = PdfDocument(title=f"Permohonan pelatihan SPSE {agency_code}")
    doc.paragraph("Dengan hormat, kami mengajukan permohonan pelatihan aplikasi SPSE.")
    return store_bytes(data=doc.render(), original_name=f"surat-{agency_code}.pdf",
                       purpose=LETTER_PURPOSE, content_type="application/pdf",
                       uploaded_by=user)


def _steps(request: TrainingRequest, session: TrainingSession | None, upto: str,
           users: dict[str, User], at: datetime) -> None:
    """Historical steps with realistic durations (minutes) before `at`."""
    plan = [("submitted", "admin", 0), ("disposed", "kepala.lpse", 2),
            ("confirmed", "helpdesk", 3), ("scheduled", "helpdesk", 6),
            ("reply_letter", "kepala.lpse", 14), ("reply_sent", "kepala.lpse", 1),
            ("trainer_assigned", "kepala.lpse", 1)]
    moment = at
    for step, who, minutes in plan:
        actor = request.requested_by if who == "admin" else users[who]
        standard = STANDARD_MINUTES.get(step)
        TrainingStep.objects.create(
            request=request, session=session if step not in ("submitted", "disposed",
                                                             "confirmed") else None,
            step=step, actor=actor, started_at=moment, finished_at=moment + timedelta(
                minutes=minutes), standard_min_minutes=standard[0] if standard else None,
            standard_max_minutes=standard[1] if standard else None, note="demo")
        moment += timedelta(minutes=minutes, hours=3)
        if step == upto:
            return


def seed(context: DemoContext) -> None:
    users = context.users
    main, hall = (Room.objects.get_or_create(name=name, defaults={"capacity": seats,
                                                                 "location": place})[0]
                  for name, seats, place in [
                      ("Ruang Pelatihan LPSE", 20, "Lantai 2 Gedung Diskominfo"),
                      ("Aula Diskominfo", 40, "Lantai 1 Gedung Diskominfo")])
    if TrainingSession.objects.exists():
        return
    today = localdate_wib()
    trainer, head, helpdesk = users["trainer"], users["kepala.lpse"], users["helpdesk"]
    agencies = [("DPUTR", "admin.dputr"), ("DINKES", "admin.dinkes")]
    vendors = [users[name] for name in ("cv.mitra", "pt.tatar", "pt.medika")]
    turn = 0
    for offset in range(-14, 17):
        day = today + timedelta(days=offset)
        if not is_working_day(day):
            continue
        start = datetime.combine(day, time(9), tzinfo=WIB)
        past = day < today
        status = TrainingSession.Status.COMPLETED if past else TrainingSession.Status.SCHEDULED
        if day.weekday() in (2, 3):
            session = TrainingSession.objects.create(
                title="Pelatihan SPSE untuk penyedia", audience=Audience.VENDOR,
                starts_at=start, ends_at=start + timedelta(hours=4), room=main, capacity=20,
                trainer=trainer, status=status, open_enrolment=True, scheduled_by=helpdesk)
            for vendor in vendors[: 1 + day.day % 3]:
                Participant.objects.create(
                    session=session, user=vendor, name=vendor.full_name, email=vendor.email,
                    organisation=vendor.vendor.name, self_enrolled=True, added_by=vendor,
                    attended=True if past else None)
        elif day.weekday() in (0, 1, 4):
            code, admin_name = agencies[turn % 2]
            turn += 1
            agency = context.agencies[code]
            admin = users[admin_name]
            request = TrainingRequest.objects.create(
                number=f"PL-{day.year}-D{turn:04d}", agency=agency, requested_by=admin,
                letter_number=f"005/{100 + turn}/{code}/{day.year}",
                letter_date=day - timedelta(days=10), letter=_letter(code, admin),
                topic="E-tendering untuk PPK dan Pokja", participants=15,
                contact_name=admin.full_name, contact_phone="0812-2200-3300",
                status=TrainingRequest.Status.COMPLETED if past
                else TrainingRequest.Status.ASSIGNED, agreed_date=day, disposed_to=helpdesk)
            session = TrainingSession.objects.create(
                title=f"Pelatihan SPSE untuk {agency.name}", audience=Audience.AGENCY,
                request=request, starts_at=start, ends_at=start + timedelta(hours=6),
                room=hall if turn % 3 == 0 else main, capacity=15, trainer=trainer,
                status=status, scheduled_by=helpdesk)
            for index, name in enumerate(PARTICIPANTS[: 5 + turn % 3]):
                Participant.objects.create(
                    session=session, name=name, organisation=agency.name, added_by=admin,
                    attended=(index % 4 != 3) if past else None)
            _steps(request, session, "trainer_assigned", users,
                   timezone.now() - timedelta(days=12 - min(offset, 10)))
            if past:
                TrainingStep.objects.create(
                    request=request, session=session, step=TrainingStep.Step.DELIVERED,
                    actor=trainer, started_at=session.starts_at, finished_at=session.ends_at,
                    note="demo")
        else:
            continue
        audit_record(action="training.demo_session", actor=None, target=session,
                     data={"source": "seed_demo"})
    # Requests still moving through the procedure, done through the services.
    dputr = users["admin.dputr"]
    _request(dputr, "Pengelolaan paket oleh PPK")
    disposed = _request(users["admin.dinkes"], "Pencatatan non-tender")
    services.training_request_dispose(actor=head, request=disposed, to=helpdesk,
                                      note="Mohon dihubungi.")
    confirmed = _request(dputr, "Aanwijzing online untuk Pokja")
    services.training_request_dispose(actor=head, request=confirmed, to=helpdesk)
    next_tuesday = today + timedelta(days=(1 - today.weekday()) % 7 + 21)
    services.training_request_confirm(actor=helpdesk, request=confirmed,
                                      agreed_date=next_tuesday, note="Disepakati via telepon")
    declined = _request(users["admin.dinkes"], "Pelatihan untuk satu orang")
    services.training_request_decline(actor=head, request=declined,
                                      reason="Satu peserta: silakan ikut sesi terjadwal.")


def _request(admin: User, topic: str) -> TrainingRequest:
    from io import BytesIO

    doc = PdfDocument(title="Permohonan pelatihan SPSE")
    doc.paragraph(f"Dengan hormat, kami mengajukan permohonan pelatihan: {topic}.")
    letter = BytesIO(doc.render())
    return services.training_request_submit(
        actor=admin, letter=letter, letter_name="surat-permohonan.pdf",
        letter_number=f"005/{localdate_wib():%j}/{admin.agency.code if admin.agency else ''}",
        letter_date=localdate_wib(), topic=topic, participants=20,
        contact_name=admin.full_name, contact_phone="0812-3300-4400")
