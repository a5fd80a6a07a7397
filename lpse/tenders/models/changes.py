from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lpse.tenders.stages import StageCode

__all__ = ["ScheduleChangeItem", "ScheduleChangeRequest", "SopStepTiming"]


class ScheduleChangeRequest(models.Model):
    """A schedule change (regulation Lampiran III 3.5–3.6): the committee asks with the old
    and new times and a mandatory reason; an application administrator receives it and
    applies it (standard 15–30 minutes), or it applies at once where configured."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RECEIVED = "received", _("Received by the administrator")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN = frozenset({Status.SUBMITTED, Status.RECEIVED})

    tender = models.ForeignKey("tenders.Tender", on_delete=models.PROTECT,
                               related_name="schedule_changes", verbose_name=_("tender"))
    reason = models.TextField(_("reason for the change"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SUBMITTED, db_index=True)
    applied_directly = models.BooleanField(_("applied directly"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("received by"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("applied or rejected by"))
    decided_at = models.DateTimeField(_("applied or rejected at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejecting"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""),
                                   name="schedule_change_has_reason"),
            models.CheckConstraint(condition=~models.Q(status="rejected")
                                   | ~models.Q(rejection_reason=""),
                                   name="schedule_change_rejection_has_reason"),
            # One open request per tender at a time: the administrator applies them in order.
            models.UniqueConstraint(fields=["tender"],
                                    condition=models.Q(status__in=["submitted", "received"]),
                                    name="schedule_change_one_open_per_tender"),
        ]
        verbose_name = _("schedule change")
        verbose_name_plural = _("schedule changes")

    def __str__(self) -> str:
        return f"{self.tender_id} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ScheduleChangeItem(models.Model):
    """One stage of a change: its old and new window."""

    request = models.ForeignKey(ScheduleChangeRequest, on_delete=models.CASCADE,
                                related_name="items")
    stage = models.CharField(_("stage"), max_length=30, choices=StageCode.choices)
    old_starts_at = models.DateTimeField(_("old start"))
    old_ends_at = models.DateTimeField(_("old end"))
    new_starts_at = models.DateTimeField(_("new start"))
    new_ends_at = models.DateTimeField(_("new end"))

    class Meta:
        ordering = ["request_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "stage"], name="schedule_change_stage"),
        ]
        verbose_name = _("changed stage")
        verbose_name_plural = _("changed stages")

    def __str__(self) -> str:
        return f"{self.request_id}:{self.stage}"


class SopStepTiming(models.Model):
    """One step of a regulation procedure: who did it, when it started and ended, and the
    standard time (Mutu Baku). Read by the SOP compliance report (lpse.operations).

    `working_minutes` counts only service hours on working days between start and end."""

    procedure = models.CharField(_("procedure"), max_length=30, db_index=True)
    step = models.PositiveSmallIntegerField(pgettext_lazy("tenders", "step"))
    name = models.CharField(pgettext_lazy("tenders", "step"), max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+",
                              verbose_name=pgettext_lazy("tenders", "actor"))
    actor_role = models.CharField(_("actor role"), max_length=30, blank=True)
    started_at = models.DateTimeField(pgettext_lazy("tenders", "started at"))
    ended_at = models.DateTimeField(pgettext_lazy("tenders", "ended at"))
    working_minutes = models.PositiveIntegerField(_("working minutes"))
    standard_min_minutes = models.PositiveIntegerField(null=True, blank=True)
    standard_max_minutes = models.PositiveIntegerField(null=True, blank=True)
    standard_label = models.CharField(_("standard time (Mutu Baku)"), max_length=60)
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["procedure", "-ended_at", "step"]
        indexes = [models.Index(fields=["subject_type", "subject_id"],
                                name="sop_step_subject")]
        verbose_name = _("SOP step timing")
        verbose_name_plural = _("SOP step timings")

    def __str__(self) -> str:
        return f"{self.procedure} #{self.step} {self.subject_id}"

    @property
    def within_standard(self) -> bool | None:
        if self.standard_max_minutes is None:
            return None
        return self.working_minutes <= self.standard_max_minutes
