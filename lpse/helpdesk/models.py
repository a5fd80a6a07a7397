"""Helpdesk tickets (regulation Lampiran II 2.1–2.2: every request is recorded).

A ticket is one request for information, help or a complaint, whatever the channel. Its
history is kept as `TicketEvent` rows (who did what, when): the SOP report reads them.
`TicketLink` is the seam for records of other apps (a tender, an upload-diagnostics run…).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lpse.core.models import StoredFile, TimeStampedModel

__all__ = [
    "Article",
    "CannedResponse",
    "DiagnosticsRun",
    "LkppEscalation",
    "SupportSession",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TicketLink",
    "TicketMessage",
]


class Ticket(TimeStampedModel):
    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        WALK_IN = "walk_in", _("Walk-in")
        WEB_PUBLIC = "web_public", _("Web form (public)")
        WEB_ACCOUNT = "web_account", _("Web form (logged in)")
        EMAIL = "email", _("E-mail")

    class RequesterType(models.TextChoices):
        VENDOR = "vendor", _("Vendor")
        AGENCY_ADMIN = "agency_admin", _("Agency administrator")
        PPK = "ppk", _("PPK")
        COMMITTEE = "committee", _("Procurement committee")
        PUBLIC = "public", _("Public")

    class Category(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        VERIFICATION = "verification", _("Verification")
        TENDER = "tender", _("Tender")
        BID_UPLOAD = "bid_upload", _("Bid upload")
        ENCRYPTION = "encryption", _("Encryption")
        ACCOUNT = "account", _("Account")
        TRAINING = "training", _("Training")
        OTHER = "other", _("Other")

    class Priority(models.TextChoices):
        URGENT = "urgent", _("Urgent")
        HIGH = "high", _("High")
        NORMAL = "normal", _("Normal")
        LOW = "low", _("Low")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", pgettext_lazy("ticket status", "In progress")
        WAITING = "waiting", _("Waiting for the requester")
        LKPP = "lkpp", _("Escalated to LKPP")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        MERGED = "merged", _("Merged")

    #: States in which the service-level clock may run.
    ACTIVE_STATES = (Status.NEW, Status.OPEN, Status.LKPP)
    #: States in which the requester or the desk can still act.
    OPEN_STATES = (Status.NEW, Status.OPEN, Status.WAITING, Status.LKPP)

    number = models.CharField(_("number"), max_length=20, unique=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    requester_type = models.CharField(
        _("requester type"), max_length=20, choices=RequesterType.choices
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="helpdesk_tickets", verbose_name=_("requester account"),
    )
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, null=True, blank=True,
        related_name="helpdesk_tickets", verbose_name=_("vendor"),
    )
    requester_name = models.CharField(_("requester name"), max_length=150)
    requester_email = models.EmailField(_("requester e-mail"), blank=True)
    requester_phone = models.CharField(_("requester phone"), max_length=40, blank=True)
    requester_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    requester_language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="id"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    subject = models.CharField(pgettext_lazy("letter", "subject"), max_length=200)
    description = models.TextField(_("description"))
    tender_code = models.CharField(
        _("tender code"), max_length=40, blank=True,
        help_text=_("Code of the tender the request is about, if any."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="assigned_tickets", verbose_name=_("assigned to"),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("logged by"),
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_tickets",
        verbose_name=_("merged into"),
    )
    # Service levels (working minutes on the working-day calendar, see lpse.helpdesk.sla).
    received_at = models.DateTimeField(_("received at"), db_index=True)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    update_due = models.DateTimeField(_("update due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    paused_since = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("paused working minutes"), default=0)
    first_response_breached = models.BooleanField(_("first response late"), default=False)
    update_breached = models.BooleanField(_("update late"), default=False)
    resolution_breached = models.BooleanField(_("resolution late"), default=False)
    escalated_to_head_at = models.DateTimeField(
        _("escalated to the head at"), null=True, blank=True
    )
    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    rating_comment = models.CharField(_("comment on the service"), max_length=500, blank=True)
    public_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    source_message_id = models.CharField(
        _("e-mail Message-ID"), max_length=250, blank=True, db_index=True
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="merged") | models.Q(merged_into__isnull=False),
                name="ticket_merged_has_target",
            ),
        ]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    @property
    def is_breached(self) -> bool:
        return self.first_response_breached or self.update_breached or self.resolution_breached


class TicketMessage(models.Model):
    """One entry of the conversation: a reply to the requester, a message from them, or an
    internal note (never shown to the requester)."""

    class Kind(models.TextChoices):
        REQUESTER = "requester", _("Message from the requester")
        REPLY = "reply", _("Reply to the requester")
        NOTE = "note", _("Internal note")
        SYSTEM = "system", _("System")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("author"),
    )
    author_name = models.CharField(_("author"), max_length=150, blank=True)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    emailed_to = models.EmailField(_("e-mailed to"), blank=True)
    source_message_id = models.CharField(
        _("e-mail Message-ID"), max_length=250, blank=True, db_index=True
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.kind}:{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.kind in (self.Kind.REQUESTER, self.Kind.REPLY)


class TicketAttachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TicketMessage, on_delete=models.CASCADE, null=True, blank=True,
        related_name="attachments",
    )
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+")
    internal = models.BooleanField(_("internal"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.file.original_name


class TicketEvent(models.Model):
    """The ticket's history: each step, its actor and its time (read by the SOP report)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Request recorded")
        ASSIGNED = "assigned", _("Assigned")
        REPLIED = "replied", _("Replied")
        REQUESTER_MESSAGE = "requester_message", _("Requester wrote")
        NOTE = "note", _("Internal note")
        PRIORITY = "priority", _("Priority changed")
        WAITING = "waiting", _("Waiting for the requester")
        RESUMED = "resumed", _("Clock resumed")
        BREACHED = "breached", _("Service level breached")
        ESCALATED_HEAD = "escalated_head", _("Escalated to the head")
        ESCALATED_LKPP = "escalated_lkpp", _("Escalated to LKPP")
        LKPP_UPDATE = "lkpp_update", _("LKPP status updated")
        MERGED = "merged", _("Merged")
        RESOLVED = "resolved", _("Resolved")
        REOPENED = "reopened", _("Reopened")
        CLOSED = "closed", _("Closed")
        RATED = "rated", _("Rated")
        LINKED = "linked", _("Record linked")
        DIAGNOSED = "diagnosed", _("Upload diagnostics run")
        SUPPORT_GRANTED = "support_granted", _("Support session granted")
        SUPPORT_REVOKED = "support_revoked", _("Support session revoked")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.action}"


class TicketLink(models.Model):
    """A record of another app attached to a ticket (the extension seam).

    `kind` says what it is ("tender", "upload_diagnostics", "bid"…); `object_type` is the
    model label (`app_label.model`) and `object_id` its primary key, as text, so apps that
    do not exist yet can attach their records without a migration here.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=40)
    object_type = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record id"), max_length=64)
    label = models.CharField(_("label"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "object_type", "object_id"], name="ticket_link_once"
            )
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_type}:{self.object_id}"


class LkppEscalation(TimeStampedModel):
    """A ticket forwarded to LKPP's helpdesk, tracked until LKPP answers (Pasal 9 (3))."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent to LKPP")
        IN_PROGRESS = "in_progress", _("Being handled by LKPP")
        ANSWERED = "answered", _("Answered by LKPP")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="lkpp_escalations")
    reference = models.CharField(_("LKPP reference number"), max_length=80)
    status = models.CharField(
        _("LKPP status"), max_length=20, choices=Status.choices, default=Status.SENT
    )
    summary = models.TextField(_("what was sent"))
    answer = models.TextField(_("LKPP's answer"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("LKPP escalation")
        verbose_name_plural = _("LKPP escalations")

    def __str__(self) -> str:
        return self.reference


class ServiceLevelPolicy(models.Model):
    """The unit's service levels for one priority, in working minutes (service hours on
    working days). Set by the head of the unit; a change applies to new tickets and to open
    tickets from their next change of state (their due times are recomputed then)."""

    priority = models.CharField(_("priority"), max_length=10, choices=Ticket.Priority.choices,
                                unique=True)
    first_response_minutes = models.PositiveIntegerField(_("first response (working minutes)"))
    update_minutes = models.PositiveIntegerField(_("update (working minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (working minutes)"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")

    def __str__(self) -> str:
        return str(self.get_priority_display())


class CannedResponse(TimeStampedModel):
    title = models.CharField(_("title"), max_length=150, unique=True)
    body = models.TextField(_("text"))
    category = models.CharField(
        _("category"), max_length=20, choices=Ticket.Category.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned answer")
        verbose_name_plural = _("canned answers")

    def __str__(self) -> str:
        return self.title


class Article(TimeStampedModel):
    """A public knowledge-base / FAQ article maintained by the helpdesk."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Ticket.Category.choices)
    body = models.TextField(_("text"))
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True,
        help_text=_("Words requesters may type, separated by spaces."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    views = models.PositiveIntegerField(_("views"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title


class DiagnosticsRun(models.Model):
    """The helpdesk's investigation of a vendor who cannot upload (Lampiran III 3.7 step 2):
    the system's own diagnostic record read for the ticket's vendor and tender — never the
    vendor's password. `findings` is a snapshot taken when the run started."""

    class Outcome(models.TextChoices):
        RETRY = "retry", _("No fault found: please retry")
        LKPP = "lkpp", _("Forwarded to LKPP")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE,
                               related_name="diagnostics_runs")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("officer"))
    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    findings = models.JSONField(_("findings"), default=dict, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices,
                               blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    reply = models.ForeignKey(TicketMessage, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    escalation = models.ForeignKey(LkppEscalation, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="diagnostics_runs")
    package = models.OneToOneField(StoredFile, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+",
                                   verbose_name=_("escalation package"))

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("upload diagnostics run")
        verbose_name_plural = _("upload diagnostics runs")

    def __str__(self) -> str:
        return f"{self.ticket_id}:diagnostics:{self.pk}"

    @property
    def minutes(self) -> int | None:
        """How long the investigation took (started → concluded), in whole minutes."""
        if self.finished_at is None:
            return None
        return int((self.finished_at - self.started_at).total_seconds() // 60)


class SupportSession(models.Model):
    """A time-limited, read-only view of a vendor's bid status pages that the vendor grants
    to the helpdesk for one ticket (instead of ever sharing a password)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE,
                               related_name="support_sessions")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("vendor"))
    tender_code = models.CharField(_("tender code"), max_length=40)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("granted at"))
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    views = models.PositiveIntegerField(_("pages viewed"), default=0)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("support session")
        verbose_name_plural = _("support sessions")

    def __str__(self) -> str:
        return f"{self.ticket_id}:support:{self.pk}"

    def is_live(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at

    @property
    def live(self) -> bool:
        return self.is_live()
