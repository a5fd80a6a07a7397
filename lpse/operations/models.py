from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lpse.core.models import TimeStampedModel

if TYPE_CHECKING:
    from lpse.operations.checklist_catalogue import ChecklistItem

__all__ = [
    "Alert",
    "ChecklistEntry",
    "ChecklistRun",
    "MaintenanceWindow",
    "MetricSample",
    "ProbeResult",
    "SopDocument",
]


class Level(models.TextChoices):
    OK = "ok", _("OK")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")
    UNKNOWN = "unknown", _("Unknown")


class MetricSample(models.Model):
    """One measured value (capacity check, database watch, availability) for charts."""

    metric = models.CharField(_("metric"), max_length=60)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    value = models.FloatField(_("value"))
    taken_at = models.DateTimeField(_("taken at"), db_index=True)

    class Meta:
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["metric", "subject", "taken_at"])]
        verbose_name = _("metric sample")
        verbose_name_plural = _("metric samples")

    def __str__(self) -> str:
        return f"{self.metric}[{self.subject}]={self.value} @ {self.taken_at:%Y-%m-%d %H:%M}"


class Alert(models.Model):
    """A threshold crossed (capacity, database, security, health); open until it clears."""

    class Source(models.TextChoices):
        CAPACITY = "capacity", _("Capacity")
        DATABASE = "database", _("Database")
        SECURITY = "security", _("Security")
        HEALTH = "health", _("Health")

    key = models.CharField(_("key"), max_length=120)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    value = models.CharField(_("measured value"), max_length=100, blank=True)
    threshold = models.CharField(_("threshold"), max_length=100, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    notified_level = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(resolved_at__isnull=True), name="alert_one_open_per_key"
            ),
            models.CheckConstraint(
                condition=Q(level__in=["warning", "critical"]), name="alert_level_valid"
            ),
        ]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"[{self.level}] {self.title}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def display_title(self) -> str:
        """The title in the reader's language (stored: the site's language when raised)."""
        from lpse.operations.alert_titles import alert_title

        return alert_title(self)


class ProbeResult(models.Model):
    """One self-probe of the public site: did the home page answer, and how fast."""

    checked_at = models.DateTimeField(_("checked at"), db_index=True)
    url = models.CharField(_("URL"), max_length=300)
    ok = models.BooleanField(_("available"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("availability probe")
        verbose_name_plural = _("availability probes")

    def __str__(self) -> str:
        return f"{self.url} {'up' if self.ok else 'down'} @ {self.checked_at:%Y-%m-%d %H:%M}"


class MaintenanceWindow(TimeStampedModel):
    """A maintenance period announced ahead (Pasal 12 d); while active, maintenance mode."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        ACTIVE = "active", _("In progress")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(
        _("message to users"),
        help_text=_("Shown on the banner, in the e-mail and on the maintenance page."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("scheduled by"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("started by"),
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("ended by"),
    )
    deadline_override_reason = models.TextField(
        _("reason for overlapping upload deadlines"), blank=True
    )
    overlapping_deadlines = models.JSONField(_("overlapping upload deadlines"), default=list,
                                             blank=True)
    participants_notified = models.PositiveIntegerField(_("participants notified"), default=0)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="maintenance_ends_after_start"),
        ]
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")

    def __str__(self) -> str:
        return self.title


class ChecklistRun(models.Model):
    """The daily or weekly Lampiran 5 checklist of one period."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    period_start = models.DateField(_("period start"))
    opened_at = models.DateTimeField(_("opened at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("completed by"),
    )

    class Meta:
        ordering = ["-period_start", "frequency"]
        constraints = [
            models.UniqueConstraint(fields=["frequency", "period_start"],
                                    name="checklist_run_once_per_period"),
        ]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} {self.period_start:%Y-%m-%d}"


class ChecklistEntry(models.Model):
    """One item of a checklist: its result, note and evidence, and who ticked it when."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Not checked yet")
        OK = "ok", _("OK")
        PROBLEM = "problem", _("Problem found")
        NOT_APPLICABLE = "na", _("Not applicable")

    run = models.ForeignKey(ChecklistRun, on_delete=models.CASCADE, related_name="entries",
                            verbose_name=_("checklist"))
    item_code = models.CharField(_("item"), max_length=20)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices,
                              default=Result.PENDING)
    note = models.TextField(_("note"), blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    automatic = models.BooleanField(_("filled in automatically"), default=False)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("checked by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("resolved by"),
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        ordering = ["run_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "item_code"], name="checklist_item_once"),
        ]
        verbose_name = _("checklist entry")
        verbose_name_plural = _("checklist entries")

    def __str__(self) -> str:
        return f"{self.run} {self.item_code}: {self.result}"

    @property
    def item(self) -> ChecklistItem | None:
        from lpse.operations.checklist_catalogue import ITEMS_BY_CODE

        return ITEMS_BY_CODE.get(self.item_code)


class SopDocument(TimeStampedModel):
    """The unit's SOP document metadata, published on the public SOP page."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    procedure_code = models.CharField(_("procedure flow"), max_length=10, blank=True)
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("SOP number"), max_length=100, blank=True)
    created_on = models.DateField(_("date made"), null=True, blank=True)
    revised_on = models.DateField(_("date revised"), null=True, blank=True)
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    related = models.TextField(_("related SOPs"), blank=True)
    warnings = models.TextField(_("warnings"), blank=True)
    qualifications = models.TextField(_("qualifications of the executors"), blank=True)
    equipment = models.TextField(_("equipment"), blank=True)
    records = models.TextField(_("recording and data keeping"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("SOP document")
        verbose_name_plural = _("SOP documents")

    def __str__(self) -> str:
        return f"SOP {self.code} {self.title}"
