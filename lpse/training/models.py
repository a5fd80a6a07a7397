"""Training service (regulation Lampiran II 2.3–2.4).

An agency's letter (`TrainingRequest`) → the head's disposition → the helpdesk's phone
confirmation → a scheduled `TrainingSession` → the reply letter → the trainer's assignment
letter (surat tugas) → the training, with `Participant` attendance and certificates.
Every step is a `TrainingStep` row: who, when it started and finished, and the standard time
(Mutu Baku) of the regulation's table, for the SOP report.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lpse.core.models import IssuedDocument, StoredFile, TimeStampedModel

__all__ = ["Participant", "Room", "TrainingMaterial", "TrainingRequest", "TrainingSession",
           "TrainingStep"]


class Audience(models.TextChoices):
    VENDOR = "vendor", _("Vendors")
    AGENCY = "agency", _("Agency officials (agency admin, PPK, committees)")


class Room(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    capacity = models.PositiveSmallIntegerField(_("capacity (seats)"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=models.Q(capacity__gte=1),
                                              name="room_capacity_positive")]
        verbose_name = _("training room")
        verbose_name_plural = _("training rooms")

    def __str__(self) -> str:
        return f"{self.name} ({self.capacity})"


class TrainingRequest(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        DISPOSED = "disposed", _("Disposed to the helpdesk")
        CONFIRMED = "confirmed", _("Date agreed by phone")
        SCHEDULED = "scheduled", _("Scheduled")
        REPLIED = "replied", _("Reply letter sent")
        ASSIGNED = "assigned", _("Trainer assigned")
        COMPLETED = "completed", _("Training held")
        REJECTED = "rejected", _("Declined")

    number = models.CharField(_("number"), max_length=20, unique=True, blank=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT,
                               related_name="training_requests", verbose_name=_("agency"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))
    letter_number = models.CharField(_("letter number"), max_length=100)
    letter_date = models.DateField(_("letter date"))
    letter = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("letter (scan)"))
    audience = models.CharField(_("participants are"), max_length=10, choices=Audience.choices,
                                default=Audience.AGENCY)
    topic = models.CharField(_("topic"), max_length=200)
    participants = models.PositiveSmallIntegerField(_("number of participants"))
    preferred_dates = models.CharField(_("preferred dates"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_phone = models.CharField(_("contact phone"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SUBMITTED, db_index=True)
    disposed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("disposed to"),
    )
    disposition_note = models.TextField(_("disposition"), blank=True)
    agreed_date = models.DateField(_("agreed date"), null=True, blank=True)
    confirmation_note = models.TextField(_("notes of the phone call"), blank=True)
    reply_letter = models.ForeignKey(IssuedDocument, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("reply letter"))
    rejection_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(participants__gte=1),
                                              name="training_request_participants")]
        verbose_name = _("training request")
        verbose_name_plural = _("training requests")

    def __str__(self) -> str:
        return f"{self.number} {self.agency.code}"


class TrainingSession(TimeStampedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        COMPLETED = "completed", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("participants are"), max_length=10, choices=Audience.choices)
    request = models.OneToOneField(TrainingRequest, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="session",
                                   verbose_name=_("training request"))
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="sessions",
                             verbose_name=_("room"))
    capacity = models.PositiveSmallIntegerField(_("seats"))
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="training_sessions",
                                verbose_name=_("trainer"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SCHEDULED, db_index=True)
    open_enrolment = models.BooleanField(
        _("vendors may enrol themselves"), default=False,
    )
    override_reason = models.TextField(_("reason for overriding the scheduling rules"),
                                       blank=True)
    rule_exceptions = models.JSONField(_("rules overridden"), default=list, blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("scheduled by"))
    assignment_letter = models.ForeignKey(IssuedDocument, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+",
                                          verbose_name=_("assignment letter (surat tugas)"))

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="training_session_ends_after_start"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1),
                                   name="training_session_capacity"),
        ]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return self.title


class Participant(TimeStampedModel):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE,
                                related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="training_participations")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.CharField(_("company or agency"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    self_enrolled = models.BooleanField(_("enrolled themselves"), default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_marked_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                             on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="+")
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    certificate = models.ForeignKey(IssuedDocument, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+",
                                    verbose_name=_("certificate"))

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"],
                                    condition=models.Q(user__isnull=False),
                                    name="participant_user_once"),
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name


class TrainingMaterial(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE,
                                related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class TrainingStep(models.Model):
    """One step of the training procedure, timed against the regulation's standard time.

    Read by the SOP report: `step` (the row of Lampiran II 2.3 table a), `actor`,
    `started_at`, `finished_at`, and the standard time range in minutes (null where the
    table gives none, e.g. "immediately after the disposition").
    """

    class Step(models.TextChoices):
        SUBMITTED = "submitted", _("1. Request letter received")
        DISPOSED = "disposed", _("Disposition by the head")
        CONFIRMED = "confirmed", _("2. Confirmation by phone")
        SCHEDULED = "scheduled", _("3. Training scheduled")
        REPLY_LETTER = "reply_letter", _("4. Reply letter drawn up")
        REPLY_SENT = "reply_sent", _("5. Reply letter sent")
        TRAINER_ASSIGNED = "trainer_assigned", _("6. Trainer assigned (surat tugas)")
        DELIVERED = "delivered", _("7. Training held")

    request = models.ForeignKey(TrainingRequest, on_delete=models.CASCADE, null=True,
                                blank=True, related_name="steps")
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, null=True,
                                blank=True, related_name="steps")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("by"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    standard_min_minutes = models.PositiveIntegerField(null=True, blank=True)
    standard_max_minutes = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["finished_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(finished_at__gte=models.F("started_at")),
                                   name="training_step_finish_after_start"),
        ]
        verbose_name = _("training step")
        verbose_name_plural = _("training steps")

    def __str__(self) -> str:
        return self.get_step_display()

    @property
    def minutes(self) -> float:
        return round((self.finished_at - self.started_at).total_seconds() / 60, 1)

    @property
    def within_standard(self) -> bool | None:
        if self.standard_max_minutes is None:
            return None
        return self.minutes <= self.standard_max_minutes
