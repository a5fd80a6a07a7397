"""Records of backups, their copies, restore drills and the alerts sent about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["BackupAlert", "BackupCopy", "BackupRun", "DrillRun"]


class BackupRun(models.Model):
    """One run of `backup`: a consistent snapshot of the database and the stored files,
    written as one encrypted archive to every configured destination and verified there."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        VERIFIED = "verified", _("Verified")
        PARTIAL = "partial", _("Verified on some destinations only")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        MANUAL = "manual", _("Started by an administrator")
        COMMAND = "command", _("Command line")

    status = models.CharField(
        _("result"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    trigger = models.CharField(_("started by"), max_length=20, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("administrator"),
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    phase = models.CharField(_("step"), max_length=40, blank=True)
    bytes_done = models.BigIntegerField(_("bytes written"), default=0)
    bytes_total = models.BigIntegerField(_("bytes to write"), default=0)
    archive_name = models.CharField(_("archive"), max_length=200, blank=True)
    archive_size = models.BigIntegerField(_("archive size (bytes)"), null=True, blank=True)
    archive_sha256 = models.CharField(
        _("SHA-256 of the archive"), max_length=64, blank=True,
        help_text=_("Of the encrypted file as written; each copy is compared with it."),
    )
    database_engine = models.CharField(_("database"), max_length=20, blank=True)
    table_count = models.PositiveIntegerField(_("tables"), default=0)
    row_count = models.BigIntegerField(_("rows"), default=0)
    file_count = models.PositiveIntegerField(_("files"), default=0)
    file_bytes = models.BigIntegerField(_("size of the files (bytes)"), default=0)
    recipients = models.JSONField(
        _("backup public keys"), default=list, blank=True,
        help_text=_("The archive opens only with the private key of one of these."),
    )
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("backup run")
        verbose_name_plural = _("backup runs")
        constraints = [
            # Two backups never run at once: the second one is refused.
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="running"), name="backups_one_running"
            ),
            models.CheckConstraint(
                condition=Q(bytes_done__gte=0) & Q(bytes_total__gte=0),
                name="backups_progress_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.archive_name or f"#{self.pk}"

    @property
    def percent(self) -> int:
        if self.status != self.Status.RUNNING:
            return 100
        if not self.bytes_total:
            return 0
        return min(99, int(self.bytes_done * 100 / self.bytes_total))

    @property
    def is_verified(self) -> bool:
        return self.status in (self.Status.VERIFIED, self.Status.PARTIAL)

    @property
    def duration(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class BackupCopy(models.Model):
    """One copy of an archive at one destination (the portable drive, object storage)."""

    class Kind(models.TextChoices):
        LOCAL = "local", _("Local path (portable drive)")
        S3 = "s3", _("S3-compatible object storage")

    run = models.ForeignKey(BackupRun, on_delete=models.CASCADE, related_name="copies")
    kind = models.CharField(_("destination"), max_length=10, choices=Kind.choices)
    location = models.CharField(_("location"), max_length=500)
    size = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("removed by retention"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["run_id", "kind"]
        verbose_name = _("backup copy")
        verbose_name_plural = _("backup copies")

    def __str__(self) -> str:
        return self.location


class DrillRun(models.Model):
    """One restore drill: an archive restored into a scratch database and directory and
    compared with what was backed up."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")
        NEEDS_KEY = "needs_key", _("Waiting for the private key")

    status = models.CharField(
        _("result"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    trigger = models.CharField(_("started by"), max_length=20,
                               choices=BackupRun.Trigger.choices)
    archive_name = models.CharField(_("archive"), max_length=300)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("restore drill")
        verbose_name_plural = _("restore drills")

    def __str__(self) -> str:
        return f"{self.archive_name} ({self.status})"


class BackupAlert(models.Model):
    """An alert e-mailed to the system administrators (kept so that one condition is not
    mailed again every hour)."""

    class Kind(models.TextChoices):
        STALE = "stale", _("No verified backup for too long")
        FAILED = "failed", _("A backup failed")
        DRILL = "drill", _("A restore drill failed or is waiting for the key")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent"))
    message = models.TextField(_("message"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("backup alert")
        verbose_name_plural = _("backup alerts")

    def __str__(self) -> str:
        return f"{self.kind} {self.sent_at:%Y-%m-%d %H:%M}"
