"""Bids, their files and sealed segments, receipts, and the diagnostic record of every
upload attempt."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Bid", "BidFile", "BidSegment", "Receipt", "TechnicalResult", "UploadAttempt"]

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}


class Bid(models.Model):
    """A vendor's bid (dokumen penawaran) for a tender.

    A bid is prepared as a DRAFT (files uploaded segment by segment; resumable), then
    SUBMITTED before the deadline, which issues the signed receipt. A later submission
    SUPERSEDES it (kept, never opened); the vendor may WITHDRAW it before the deadline. A
    draft left at the deadline EXPIRES. Only the SUBMITTED bid of each participant is opened.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being uploaded")
        SUBMITTED = "submitted", _("Submitted")
        SUPERSEDED = "superseded", _("Superseded")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Not submitted before the deadline")

    class OfferStatus(models.TextChoices):
        SEALED = "sealed", _("Sealed")
        OPENED = "opened", _("Opened")
        UNREADABLE = "unreadable", _("Could not be opened")
        NOT_OPENED = "not_opened", _("Not opened (failed the technical evaluation)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tender = models.ForeignKey("tenders.Tender", on_delete=models.PROTECT, related_name="bids",
                               verbose_name=_("tender"))
    participant = models.ForeignKey("tenders.Participant", on_delete=models.PROTECT,
                                    related_name="bids", verbose_name=_("participant"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("started by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    superseded_by = models.OneToOneField("self", on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="supersedes")
    ended_at = models.DateTimeField(_("superseded, withdrawn or expired at"), null=True,
                                    blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    # The offer form (offer price), sealed to the price envelope's key at submission.
    sealed_offer = models.BinaryField(null=True, blank=True, editable=False)
    sealed_offer_sha256 = models.CharField(max_length=64, blank=True)
    offer_status = models.CharField(_("offer"), max_length=20, choices=OfferStatus.choices,
                                    default=OfferStatus.SEALED)
    offer_amount = models.DecimalField(_("offer price"), **MONEY, null=True, blank=True)
    offer_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["tender_id", "participant_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["participant"], condition=models.Q(status="draft"),
                                    name="bids_one_draft"),
            models.UniqueConstraint(fields=["participant"],
                                    condition=models.Q(status="submitted"),
                                    name="bids_one_submitted"),
            models.CheckConstraint(
                condition=~models.Q(status="submitted") | models.Q(submitted_at__isnull=False),
                name="bids_submitted_has_time"),
        ]
        indexes = [models.Index(fields=["tender", "status"], name="bids_tender_status")]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")

    def __str__(self) -> str:
        return f"{self.tender_id}/{self.participant_id} {self.status}"

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.SUBMITTED


class BidFile(models.Model):
    """One file of a bid, in one envelope. Uploaded in segments; complete once every segment
    is in. After the opening, `open_status` says whether it decrypted and matched."""

    class Status(models.TextChoices):
        UPLOADING = "uploading", _("Uploading")
        COMPLETE = "complete", _("Complete")

    class OpenStatus(models.TextChoices):
        SEALED = "sealed", _("Sealed")
        OK = "ok", _("Opened, matches the receipt")
        FAILED = "failed", _("Could not be opened")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="files")
    envelope = models.PositiveSmallIntegerField(_("envelope"), default=1)
    name = models.CharField(_("file name"), max_length=200)
    size = models.BigIntegerField(_("size (bytes)"))
    segment_size = models.PositiveIntegerField(editable=False)
    last_modified = models.BigIntegerField(null=True, blank=True,
                                           help_text="browser lastModified (ms), for resuming")
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.UPLOADING)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Whole-file hashes of the plaintext computed by the vendor's browser (verified by the
    # server at once for single-segment files, at the opening for the others).
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    md5 = models.CharField("MD5", max_length=32, blank=True)
    sha256_server_checked = models.BooleanField(default=False)
    # The sealed form: one age file per segment; sealed_sha256 is the manifest digest.
    sealed_size = models.BigIntegerField(null=True, blank=True)
    sealed_sha256 = models.CharField(max_length=64, blank=True)
    # Opening.
    open_status = models.CharField(_("result"), max_length=20, choices=OpenStatus.choices,
                                   default=OpenStatus.SEALED)
    open_error = models.CharField(_("problem"), max_length=40, blank=True)
    open_message = models.CharField(max_length=500, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    detected_type = models.CharField(max_length=100, blank=True)
    metadata = models.JSONField(default=dict, blank=True,
                                help_text="document metadata read at the opening (PDF author…)")

    class Meta:
        ordering = ["bid_id", "envelope", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(envelope__in=[1, 2]),
                                   name="bids_file_envelope"),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="bids_file_not_empty"),
        ]
        verbose_name = _("bid file")
        verbose_name_plural = _("bid files")

    def __str__(self) -> str:
        return self.name

    @property
    def segment_count(self) -> int:
        return -(-self.size // self.segment_size)

    def segment_length(self, index: int) -> int:
        """The exact plaintext length of segment `index`."""
        return min(self.segment_size, self.size - index * self.segment_size)


class BidSegment(models.Model):
    """One segment of a bid file, sealed on arrival as its own age file. The server records
    the SHA-256 of the plaintext it encrypted and of the ciphertext it stored."""

    file = models.ForeignKey(BidFile, on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField()
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    sealed_size = models.BigIntegerField()
    sealed_sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["file_id", "index"]
        constraints = [
            models.UniqueConstraint(fields=["file", "index"], name="bids_segment_once"),
        ]
        verbose_name = _("bid file segment")
        verbose_name_plural = _("bid file segments")

    def __str__(self) -> str:
        return f"{self.file_id}#{self.index}"


class Receipt(models.Model):
    """The signed receipt of a submitted bid (Bukti Penerimaan Penawaran). `document` is the
    exact JSON handed to the vendor; `pdf` is issued by a background task."""

    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="receipt")
    document = models.JSONField()
    key_id = models.CharField(max_length=32)
    audit_seq = models.BigIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    pdf = models.OneToOneField("core.IssuedDocument", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+")

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("bid receipt")
        verbose_name_plural = _("bid receipts")

    def __str__(self) -> str:
        return f"{self.bid_id} #{self.audit_seq}"


class TechnicalResult(models.Model):
    """Two-envelope methods: the committee's result of the technical evaluation of a bid's
    first envelope. Only bids that passed have their price envelope opened."""

    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="technical_result")
    passed = models.BooleanField(_("passed"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("technical evaluation result")
        verbose_name_plural = _("technical evaluation results")

    def __str__(self) -> str:
        return f"{self.bid_id}: {self.passed}"


class UploadAttempt(models.Model):
    """Every upload request of a vendor, successful or not: the diagnostic record the
    helpdesk reads when a vendor cannot upload (regulation Lampiran III 3.7) — never the
    vendor's password, never the file's content."""

    class Action(models.TextChoices):
        START = "start", _("Start a bid")
        DECLARE = "declare", _("Add a file")
        SEGMENT = "segment", _("Send a file segment")
        COMPLETE = "complete", _("Finish a file")
        SUBMIT = "submit", _("Submit the bid")
        WITHDRAW = "withdraw", _("Withdraw the bid")
        REMOVE = "remove", _("Remove a file")

    class Stage(models.TextChoices):
        NONE = "", _("—")
        ACCESS = "access", _("Access (login, participation, permission)")
        VALIDATION = "validation", _("Request checks")
        DEADLINE = "deadline", _("Deadline or stage")
        LIMITS = "limits", _("Size or file count limits")
        TYPE = "type", _("File type")
        TRANSFER = "transfer", _("Transfer (connection interrupted)")
        INTEGRITY = "integrity", _("Integrity check")
        STORAGE = "storage", _("Storage")
        DATABASE = "database", _("Database")
        SERVER = "server", _("Server error")

    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("user"))
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("vendor"))
    tender = models.ForeignKey("tenders.Tender", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("tender"))
    bid = models.ForeignKey(Bid, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="+")
    file = models.ForeignKey(BidFile, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    segment_index = models.PositiveIntegerField(_("segment"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    bytes_expected = models.BigIntegerField(_("bytes announced"), null=True, blank=True)
    bytes_received = models.BigIntegerField(_("bytes received"), default=0)
    declared_type = models.CharField(_("declared type"), max_length=100, blank=True)
    detected_type = models.CharField(_("detected type"), max_length=100, blank=True)
    client_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    stage = models.CharField(_("failed at"), max_length=20, choices=Stage.choices,
                             blank=True)
    code = models.CharField(_("error code"), max_length=40, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["vendor", "-started_at"], name="bids_attempt_vendor"),
            models.Index(fields=["tender", "-started_at"], name="bids_attempt_tender"),
        ]
        verbose_name = _("upload attempt")
        verbose_name_plural = _("upload attempts")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M:%S} {self.action} {'ok' if self.ok else 'x'}"

    @property
    def duration_ms(self) -> int | None:
        if self.finished_at is None:
            return None
        return int((self.finished_at - self.started_at).total_seconds() * 1000)
