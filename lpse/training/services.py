"""Every change in the training service (regulation Lampiran II 2.3–2.4).

Each step records a `TrainingStep` (actor, start, finish, standard time) and an audit
event in the same transaction; letters are numbered PDFs (lpse.core.documents) e-mailed on
commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lpse.accounts.models import Agency, User
from lpse.accounts.roles import Perm, Role, has_perm
from lpse.audit.services import audit_record
from lpse.core.calendar import to_wib
from lpse.core.documents import document_issue
from lpse.core.files import JPEG, LETTER_POLICY, PDF, PNG, FilePolicy, open_stored, store_file
from lpse.core.mail import send_mail_on_commit
from lpse.core.models import IssuedDocument
from lpse.core.pdf import PdfDocument, format_date_id
from lpse.training.models import (
    Audience,
    Participant,
    Room,
    TrainingMaterial,
    TrainingRequest,
    TrainingSession,
    TrainingStep,
)
from lpse.training.rules import schedule_problems

LETTER_PURPOSE = "training.letter"
MATERIAL_PURPOSE = "training.material"
MATERIAL_POLICY = FilePolicy(max_bytes=20 * 1024 * 1024,
                             allowed_types=frozenset({PDF, JPEG, PNG}))

#: Standard times (Mutu Baku) of Lampiran II 2.3 table a, in minutes: (min, max).
STANDARD_MINUTES: dict[str, tuple[int, int] | None] = {
    TrainingStep.Step.SUBMITTED: None,
    TrainingStep.Step.DISPOSED: None,
    TrainingStep.Step.CONFIRMED: (1, 5),
    TrainingStep.Step.SCHEDULED: None,  # "immediately after the disposition"
    TrainingStep.Step.REPLY_LETTER: (10, 20),
    TrainingStep.Step.REPLY_SENT: (0, 1),
    TrainingStep.Step.TRAINER_ASSIGNED: (0, 1),
    TrainingStep.Step.DELIVERED: None,  # the session window itself
}


def _require(actor: User, perm: Perm) -> None:
    if not has_perm(actor, perm):
        raise PermissionDenied(perm.value)


def _step(step: str, *, actor: User | None, started_at: datetime | None,
          request: TrainingRequest | None = None, session: TrainingSession | None = None,
          note: str = "", finished_at: datetime | None = None) -> TrainingStep:
    finished = finished_at or timezone.now()
    started = min(started_at or finished, finished)
    standard = STANDARD_MINUTES.get(step)
    record = TrainingStep.objects.create(
        request=request, session=session, step=step, actor=actor, started_at=started,
        finished_at=finished, standard_min_minutes=standard[0] if standard else None,
        standard_max_minutes=standard[1] if standard else None, note=note[:300],
    )
    target: Any = request or session
    audit_record(action=f"training.{step}", actor=actor, target=target,
                 data={"step_id": record.pk, "minutes": record.minutes})
    return record


def _save(obj: Any, *fields: str) -> None:
    obj.full_clean()
    obj.save(update_fields=[*fields, "updated_at"])


def _expect(request: TrainingRequest, *states: str) -> None:
    if request.status not in states:
        raise ValidationError(_("This step is not possible now (the request is %(status)s).")
                              % {"status": request.get_status_display()})


def _emails(users: Iterable[User]) -> list[str]:
    return [u.email for u in users if u.email]


def _users_with(role: Role) -> list[User]:
    return list(User.objects.filter(role_assignments__role=role, is_active=True))


# --- Step 1: the agency's letter ------------------------------------------------------------


@transaction.atomic
def training_request_submit(
    *, actor: User, letter: IO[bytes], letter_name: str, letter_number: str,
    letter_date: date, topic: str, participants: int, contact_name: str, contact_phone: str,
    audience: str = Audience.AGENCY, preferred_dates: str = "",
) -> TrainingRequest:
    _require(actor, Perm.REQUEST_TRAINING)
    if actor.agency is None:
        raise ValidationError(_("Your account is not linked to an agency."))
    stored = store_file(source=letter, original_name=letter_name, purpose=LETTER_PURPOSE,
                        policy=LETTER_POLICY, uploaded_by=actor)
    request = TrainingRequest(
        agency=actor.agency, requested_by=actor, letter_number=letter_number.strip(),
        letter_date=letter_date, letter=stored, audience=audience, topic=topic.strip(),
        participants=participants, preferred_dates=preferred_dates.strip(),
        contact_name=contact_name.strip(), contact_phone=contact_phone.strip(),
    )
    request.number = "pending"
    request.full_clean()
    request.save()
    request.number = f"PL-{to_wib(request.created_at).year}-{request.pk:05d}"
    request.save(update_fields=["number"])
    _step(TrainingStep.Step.SUBMITTED, actor=actor, started_at=None, request=request)
    heads = _users_with(Role.HEAD)
    send_mail_on_commit(to=_emails(heads), template="training/email/request_submitted",
                        context={"request": request, "link": _request_link(request)})
    return request


def _request_link(request: TrainingRequest) -> str:
    return settings.SITE_URL + reverse("training:request_detail", args=[request.pk])


def _session_link(session: TrainingSession) -> str:
    return settings.SITE_URL + reverse("training:session_detail", args=[session.pk])


# --- Disposition by the head ---------------------------------------------------------------


@transaction.atomic
def training_request_dispose(*, actor: User, request: TrainingRequest, to: User | None,
                             note: str = "", started_at: datetime | None = None
                             ) -> TrainingRequest:
    """The head disposes the letter to the helpdesk (a named officer or the whole desk)."""
    _require(actor, Perm.DISPOSE_TRAINING)
    _expect(request, TrainingRequest.Status.SUBMITTED)
    if to is not None and not has_perm(to, Perm.MANAGE_TRAINING):
        raise ValidationError({"to": _("Dispose to a helpdesk officer.")})
    request.status = TrainingRequest.Status.DISPOSED
    request.disposed_to = to
    request.disposition_note = note.strip()
    _save(request, "status", "disposed_to", "disposition_note")
    _step(TrainingStep.Step.DISPOSED, actor=actor, started_at=started_at, request=request,
          note=note)
    recipients = [to] if to is not None else _users_with(Role.HELPDESK)
    send_mail_on_commit(to=_emails(recipients), template="training/email/request_disposed",
                        context={"request": request, "link": _request_link(request)})
    return request


@transaction.atomic
def training_request_decline(*, actor: User, request: TrainingRequest, reason: str
                             ) -> TrainingRequest:
    _require(actor, Perm.DISPOSE_TRAINING)
    _expect(request, TrainingRequest.Status.SUBMITTED, TrainingRequest.Status.DISPOSED,
            TrainingRequest.Status.CONFIRMED)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    request.status = TrainingRequest.Status.REJECTED
    request.rejection_reason = reason.strip()
    _save(request, "status", "rejection_reason")
    audit_record(action="training.declined", actor=actor, target=request,
                 data={"reason": request.rejection_reason})
    send_mail_on_commit(to=_emails([request.requested_by]),
                        template="training/email/request_declined",
                        language=request.requested_by.preferred_language,
                        context={"request": request})
    return request


# --- Step 2: confirmation by phone ---------------------------------------------------------


@transaction.atomic
def training_request_confirm(*, actor: User, request: TrainingRequest, agreed_date: date,
                             note: str = "", started_at: datetime | None = None
                             ) -> TrainingRequest:
    """The helpdesk phoned the agency and agreed the date (standard time 1–5 minutes)."""
    _require(actor, Perm.MANAGE_TRAINING)
    _expect(request, TrainingRequest.Status.DISPOSED, TrainingRequest.Status.CONFIRMED)
    request.status = TrainingRequest.Status.CONFIRMED
    request.agreed_date = agreed_date
    request.confirmation_note = note.strip()
    _save(request, "status", "agreed_date", "confirmation_note")
    _step(TrainingStep.Step.CONFIRMED, actor=actor, started_at=started_at, request=request,
          note=f"{agreed_date.isoformat()} {note}".strip())
    return request


# --- Step 3: scheduling --------------------------------------------------------------------


@transaction.atomic
def session_schedule(
    *, actor: User, title: str, audience: str, starts_at: datetime, ends_at: datetime,
    room: Room, capacity: int, request: TrainingRequest | None = None,
    open_enrolment: bool = False, override_reason: str = "",
    started_at: datetime | None = None,
) -> TrainingSession:
    """Schedule a session under the regulation's rules; breaking one needs a reason."""
    _require(actor, Perm.MANAGE_TRAINING)
    if request is not None:
        _expect(request, TrainingRequest.Status.CONFIRMED)
        audience = request.audience
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a moment in the future.")})
    # Lock the room so that two officers cannot book it twice at the same moment.
    Room.objects.select_for_update().filter(pk=room.pk).first()
    problems = schedule_problems(audience=audience, starts_at=starts_at, ends_at=ends_at,
                                 room=room, capacity=capacity)
    if problems and not override_reason.strip():
        raise ValidationError([p.message for p in problems] + [
            _("To schedule anyway, give the reason for the exception.")])
    session = TrainingSession(
        title=title.strip(), audience=audience, request=request, starts_at=starts_at,
        ends_at=ends_at, room=room, capacity=capacity, scheduled_by=actor,
        open_enrolment=open_enrolment and audience == Audience.VENDOR,
        override_reason=override_reason.strip() if problems else "",
        rule_exceptions=[p.code for p in problems],
    )
    session.full_clean()
    session.save()
    if request is not None:
        request.status = TrainingRequest.Status.SCHEDULED
        _save(request, "status")
    if request is not None:
        # Step 3's standard is "immediately after the disposition": its time runs from the
        # disposition (the step's input), as the SOP report measures it, not from the moment
        # the form was opened.
        disposed = (request.steps.filter(step=TrainingStep.Step.DISPOSED)
                    .order_by("-finished_at").values_list("finished_at", flat=True).first())
        started_at = disposed or started_at
    _step(TrainingStep.Step.SCHEDULED, actor=actor, started_at=started_at, request=request,
          session=session, note=", ".join(p.code for p in problems))
    if problems:
        audit_record(action="training.schedule_rules_overridden", actor=actor, target=session,
                     data={"rules": [p.code for p in problems],
                           "reason": session.override_reason})
    return session


@transaction.atomic
def session_cancel(*, actor: User, session: TrainingSession, reason: str) -> TrainingSession:
    _require(actor, Perm.MANAGE_TRAINING)
    if session.status != TrainingSession.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    session.status = TrainingSession.Status.CANCELLED
    _save(session, "status")
    audit_record(action="training.session_cancelled", actor=actor, target=session,
                 data={"reason": reason.strip()})
    send_mail_on_commit(
        to=[p.email for p in session.participants.all() if p.email],
        template="training/email/session_cancelled",
        context={"session": session, "reason": reason.strip()})
    return session


# --- Steps 4–5: the reply letter -----------------------------------------------------------


def day_and_date(day: date) -> str:
    """The day and date as a letter writes them, in the active language: "Selasa, 22
    Desember 2026"."""
    return formats.date_format(day, "l, j F Y")


def _reply_letter_pdf(request: TrainingRequest, session: TrainingSession,
                      head: User) -> PdfDocument:
    start, end = to_wib(session.starts_at), to_wib(session.ends_at)
    doc = PdfDocument(title=_("Reply to a request for SPSE training"))
    doc.key_values([
        (_("To"), _("Head of %(agency)s") % {"agency": request.agency.name}),
        (_("Your letter"), f"{request.letter_number} · {format_date_id(request.letter_date)}"),
        (pgettext("letter", "Subject"), _("Training on the SPSE application: %(topic)s") % {
            "topic": request.topic}),
    ])
    doc.paragraph(_(
        "In answer to your letter above, and as agreed by telephone with %(contact)s, the LPSE "
        "unit will hold the training on the SPSE application as follows:") % {
        "contact": request.contact_name})
    doc.key_values([
        (_("Day and date"), day_and_date(start.date())),
        (_("Time"), f"{start:%H:%M}–{end:%H:%M} WIB"),
        (_("Place"), f"{session.room.name}, {session.room.location or settings.LPSE_UNIT_NAME}"),
        (_("Participants"), _("at most %(n)s persons") % {"n": session.capacity}),
    ])
    doc.paragraph(_("Participants bring a laptop and their SPSE user ID. Please send the list "
                    "of participants to the LPSE helpdesk before the training."))
    doc.signatures([(_("Head of the LPSE unit"), head.full_name,
                     f"NIP {head.nip}" if head.nip else "")],
                   place_date=f"Sumedang, {format_date_id(timezone.localdate())}")
    return doc


@transaction.atomic
def reply_letter_issue(*, actor: User, request: TrainingRequest,
                       started_at: datetime | None = None) -> IssuedDocument:
    """Draw up (10–20 min) and send (1 min) the numbered reply letter to the agency."""
    _require(actor, Perm.DISPOSE_TRAINING)
    _expect(request, TrainingRequest.Status.SCHEDULED)
    session = TrainingSession.objects.get(request=request)
    with translation.override("id"):
        document = document_issue(
            letter_type="training.reply", code="005", doc=_reply_letter_pdf(request, session,
                                                                             actor),
            filename=f"surat-jawaban-{request.number}.pdf", issued_by=actor, subject=request)
    request.reply_letter = document
    request.status = TrainingRequest.Status.REPLIED
    _save(request, "reply_letter", "status")
    drawn = _step(TrainingStep.Step.REPLY_LETTER, actor=actor, started_at=started_at,
                  request=request, session=session, note=document.number)
    with open_stored(document.file) as handle:
        pdf = handle.read()
    recipients = [request.agency.email, request.requested_by.email]
    send_mail_on_commit(
        to=[r for r in dict.fromkeys(recipients) if r], template="training/email/reply_letter",
        language=request.requested_by.preferred_language,
        context={"request": request, "session": session, "document": document,
                 "link": _request_link(request)},
        attachments=[(f"{document.number.replace('/', '-')}.pdf", pdf, "application/pdf")],
    )
    _step(TrainingStep.Step.REPLY_SENT, actor=actor, started_at=drawn.finished_at,
          request=request, session=session, note=", ".join(r for r in recipients if r))
    return document


# --- Step 6: the trainer and the surat tugas -----------------------------------------------


def _assignment_pdf(session: TrainingSession, trainer: User, head: User) -> PdfDocument:
    start, end = to_wib(session.starts_at), to_wib(session.ends_at)
    doc = PdfDocument(title=_("Assignment letter (surat tugas)"))
    doc.paragraph(_("The Head of the LPSE unit assigns:"))
    doc.key_values([(_("Name"), trainer.full_name), (_("NIP"), trainer.nip or "-"),
                    (_("Position"), trainer.position or _("SPSE trainer"))])
    doc.paragraph(_("to give the following training on the SPSE application:"))
    rows: list[tuple[str, object]] = [
        (_("Training"), session.title),
        (_("Participants"), session.get_audience_display()),
        (_("Day and date"), day_and_date(start.date())),
        (_("Time"), f"{start:%H:%M}–{end:%H:%M} WIB"),
        (_("Place"), session.room.name),
    ]
    if session.request is not None:
        rows.append((_("On the request of"), f"{session.request.agency.name} "
                     f"({session.request.letter_number})"))
    doc.key_values(rows)
    doc.paragraph(_("This assignment is to be carried out with full responsibility."))
    doc.signatures([(_("Head of the LPSE unit"), head.full_name,
                     f"NIP {head.nip}" if head.nip else "")],
                   place_date=f"Sumedang, {format_date_id(timezone.localdate())}")
    return doc


@transaction.atomic
def trainer_assign(*, actor: User, session: TrainingSession, trainer: User,
                   started_at: datetime | None = None) -> IssuedDocument:
    """Assign the trainer with a numbered surat tugas, e-mailed to them (1 min)."""
    _require(actor, Perm.DISPOSE_TRAINING)
    if session.status != TrainingSession.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can get a trainer."))
    if not has_perm(trainer, Perm.DELIVER_TRAINING):
        raise ValidationError({"trainer": _("Choose a trainer.")})
    request = session.request
    if request is not None:
        _expect(request, TrainingRequest.Status.REPLIED, TrainingRequest.Status.ASSIGNED)
    clash = schedule_problems(audience=session.audience, starts_at=session.starts_at,
                              ends_at=session.ends_at, room=session.room,
                              capacity=session.capacity, trainer=trainer, exclude=session)
    if any(p.code == "trainer_busy" for p in clash):
        raise ValidationError({"trainer": _(
            "The trainer already gives another training at that time.")})
    with translation.override("id"):
        document = document_issue(
            letter_type="training.assignment", code="800",
            doc=_assignment_pdf(session, trainer, actor),
            filename=f"surat-tugas-{session.pk}.pdf", issued_by=actor, subject=session)
    session.trainer = trainer
    session.assignment_letter = document
    _save(session, "trainer", "assignment_letter")
    if request is not None:
        request.status = TrainingRequest.Status.ASSIGNED
        _save(request, "status")
    _step(TrainingStep.Step.TRAINER_ASSIGNED, actor=actor, started_at=started_at,
          request=request, session=session, note=f"{trainer.username} {document.number}")
    with open_stored(document.file) as handle:
        pdf = handle.read()
    send_mail_on_commit(
        to=_emails([trainer]), template="training/email/assignment",
        language=trainer.preferred_language,
        context={"session": session, "trainer": trainer, "document": document,
                 "link": _session_link(session)},
        attachments=[(f"{document.number.replace('/', '-')}.pdf", pdf, "application/pdf")],
    )
    return document


# --- Participants, enrolment, attendance, materials, certificates ---------------------------


def can_manage_participants(user: User, session: TrainingSession) -> bool:
    if has_perm(user, Perm.MANAGE_TRAINING):
        return True
    return bool(has_perm(user, Perm.REQUEST_TRAINING) and session.request is not None
                and session.request.agency_id == user.agency_id)


@transaction.atomic
def participant_add(*, actor: User, session: TrainingSession, name: str, email: str = "",
                    organisation: str = "", position: str = "") -> Participant:
    if not can_manage_participants(actor, session):
        raise PermissionDenied
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if locked.status != TrainingSession.Status.SCHEDULED:
        raise ValidationError(_("Participants can only be added before the training."))
    if locked.participants.count() >= locked.capacity:
        raise ValidationError(_("The session is full."))
    agency: Agency | None = session.request.agency if session.request else None
    participant = Participant(session=locked, name=name.strip(), email=email.strip(),
                              organisation=organisation.strip() or (agency.name if agency
                                                                    else ""),
                              position=position.strip(), added_by=actor)
    participant.full_clean()
    participant.save()
    audit_record(action="training.participant_added", actor=actor, target=participant,
                 data={"session": session.pk, "name": participant.name})
    return participant


@transaction.atomic
def session_enrol(*, actor: User, session: TrainingSession) -> Participant:
    """A vendor enrols in an open vendor session (seats are counted under a row lock)."""
    if not actor.is_vendor_user:
        raise PermissionDenied
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if not (locked.open_enrolment and locked.audience == Audience.VENDOR
            and locked.status == TrainingSession.Status.SCHEDULED
            and locked.starts_at > timezone.now()):
        raise ValidationError(_("This session is not open for enrolment."))
    if locked.participants.filter(user=actor).exists():
        raise ValidationError(_("You are already enrolled."))
    if locked.participants.count() >= locked.capacity:
        raise ValidationError(_("The session is full."))
    vendor = getattr(actor, "vendor", None)
    participant = Participant.objects.create(
        session=locked, user=actor, name=actor.full_name or actor.username, email=actor.email,
        organisation=vendor.name if vendor is not None else "", self_enrolled=True,
        added_by=actor)
    audit_record(action="training.enrolled", actor=actor, target=participant,
                 data={"session": session.pk})
    send_mail_on_commit(to=_emails([actor]), template="training/email/enrolled",
                        language=actor.preferred_language,
                        context={"session": locked, "participant": participant,
                                 "link": _session_link(locked)})
    return participant


@transaction.atomic
def session_unenrol(*, actor: User, session: TrainingSession) -> None:
    participant = session.participants.filter(user=actor).first()
    if participant is None:
        raise ValidationError(_("You are not enrolled."))
    if session.status != TrainingSession.Status.SCHEDULED:
        raise ValidationError(_("The training has already taken place."))
    audit_record(action="training.unenrolled", actor=actor, target=participant,
                 data={"session": session.pk})
    participant.delete()


def can_deliver(user: User, session: TrainingSession) -> bool:
    return has_perm(user, Perm.MANAGE_TRAINING) or (
        has_perm(user, Perm.DELIVER_TRAINING) and session.trainer_id == user.pk)


@transaction.atomic
def attendance_record(*, actor: User, session: TrainingSession,
                      present: Sequence[int]) -> TrainingSession:
    """The attendance list: who came. The first record marks the training as held (step 7)."""
    if not can_deliver(actor, session):
        raise PermissionDenied
    if session.status == TrainingSession.Status.CANCELLED:
        raise ValidationError(_("The session was cancelled."))
    now = timezone.now()
    if now < session.starts_at:
        raise ValidationError(_("Attendance is recorded once the training has started."))
    present_ids = set(present)
    for participant in session.participants.select_for_update():
        attended = participant.pk in present_ids
        if participant.attended != attended:
            participant.attended = attended
            participant.attendance_marked_by = actor
            participant.attendance_marked_at = now
            participant.save(update_fields=["attended", "attendance_marked_by",
                                            "attendance_marked_at", "updated_at"])
    audit_record(action="training.attendance_recorded", actor=actor, target=session,
                 data={"present": sorted(present_ids)})
    if session.status == TrainingSession.Status.SCHEDULED:
        session.status = TrainingSession.Status.COMPLETED
        _save(session, "status")
        request = session.request
        if request is not None:
            request.status = TrainingRequest.Status.COMPLETED
            _save(request, "status")
        _step(TrainingStep.Step.DELIVERED, actor=actor, started_at=session.starts_at,
              finished_at=max(session.ends_at, session.starts_at), request=request,
              session=session, note=_("%(n)s present") % {"n": len(present_ids)})
    return session


@transaction.atomic
def material_add(*, actor: User, session: TrainingSession, title: str, file: IO[bytes],
                 filename: str) -> TrainingMaterial:
    if not can_deliver(actor, session):
        raise PermissionDenied
    stored = store_file(source=file, original_name=filename, purpose=MATERIAL_PURPOSE,
                        policy=MATERIAL_POLICY, uploaded_by=actor)
    material = TrainingMaterial(session=session, title=title.strip(), file=stored,
                                uploaded_by=actor)
    material.full_clean()
    material.save()
    audit_record(action="training.material_added", actor=actor, target=session,
                 data={"title": material.title, "sha256": stored.sha256})
    return material


def _certificate_pdf(participant: Participant, session: TrainingSession) -> PdfDocument:
    start = to_wib(session.starts_at)
    doc = PdfDocument(title=_("Certificate of attendance"))
    doc.paragraph(_("This certifies that"))
    doc.key_values([(_("Name"), participant.name),
                    (_("Company or agency"), participant.organisation or "-"),
                    (_("Position"), participant.position or "-")])
    doc.paragraph(_("attended the training on the SPSE application:"))
    doc.key_values([(_("Training"), session.title),
                    (_("Date"), format_date_id(start.date())),
                    (_("Place"), session.room.name),
                    (_("Trainer"), session.trainer.full_name if session.trainer else "-")])
    heads = _users_with(Role.HEAD)
    head = heads[0] if heads else None
    doc.signatures([(_("Head of the LPSE unit"), head.full_name if head else "",
                     f"NIP {head.nip}" if head and head.nip else "")],
                   place_date=f"Sumedang, {format_date_id(timezone.localdate())}")
    return doc


@transaction.atomic
def certificates_issue(*, actor: User, session: TrainingSession) -> list[IssuedDocument]:
    """A numbered certificate of attendance per participant present, e-mailed to them."""
    if not can_deliver(actor, session):
        raise PermissionDenied
    if session.status != TrainingSession.Status.COMPLETED:
        raise ValidationError(_("Record the attendance first."))
    issued = []
    for participant in session.participants.filter(attended=True, certificate__isnull=True):
        with translation.override("id"):
            document = document_issue(
                letter_type="training.certificate", code="SRT",
                doc=_certificate_pdf(participant, session),
                filename=f"sertifikat-{participant.pk}.pdf", issued_by=actor,
                subject=participant)
        participant.certificate = document
        participant.save(update_fields=["certificate", "updated_at"])
        if participant.email:
            with open_stored(document.file) as handle:
                pdf = handle.read()
            send_mail_on_commit(
                to=[participant.email], template="training/email/certificate",
                language=participant.user.preferred_language if participant.user else "id",
                context={"session": session, "participant": participant,
                         "document": document},
                attachments=[(f"{document.number.replace('/', '-')}.pdf", pdf,
                              "application/pdf")],
            )
        issued.append(document)
    return issued


@transaction.atomic
def room_save(*, actor: User, room: Room | None, name: str, capacity: int, location: str = "",
              is_active: bool = True) -> Room:
    _require(actor, Perm.MANAGE_TRAINING)
    room = room or Room()
    room.name, room.capacity, room.location, room.is_active = (
        name.strip(), capacity, location.strip(), is_active)
    room.full_clean()
    room.save()
    audit_record(action="training.room_saved", actor=actor, target=room,
                 data={"name": room.name, "capacity": capacity})
    return room
