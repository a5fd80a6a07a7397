from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["ProcedureStep"]


class ProcedureStep(models.Model):
    """Who did one step of a regulation procedure, and when — the raw data of the SOP
    report, compared with the standard time (Mutu Baku) of the regulation's table.

    `procedure` is the table number ("1.2" registration and verification, "3.4" e-mail
    change) and `step` the row number in it (see lpse.vendors.procedures for the
    definitions). A row with `finished_at` empty is a step in progress.
    """

    procedure = models.CharField(_("procedure"), max_length=10, db_index=True)
    step = models.PositiveSmallIntegerField(pgettext_lazy("vendor procedure", "step"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("actor"))
    actor_role = models.CharField(_("acting as"), max_length=30)
    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    standard_minutes_min = models.PositiveIntegerField(_("standard time, minimum (minutes)"),
                                                       null=True, blank=True)
    standard_minutes_max = models.PositiveIntegerField(_("standard time, maximum (minutes)"),
                                                       null=True, blank=True)
    standard_working_days = models.PositiveSmallIntegerField(
        _("standard time (working days)"), null=True, blank=True
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    within_service_hours = models.BooleanField(
        _("started within service hours"), null=True, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=30, blank=True)
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="procedure_steps",
                               verbose_name=_("vendor"))
    registration_link = models.ForeignKey(
        "vendors.RegistrationLink", on_delete=models.CASCADE, null=True, blank=True,
        related_name="procedure_steps",
    )
    session = models.ForeignKey("vendors.VerificationSession", on_delete=models.CASCADE,
                                null=True, blank=True, related_name="procedure_steps")
    email_change = models.ForeignKey("vendors.EmailChangeRequest", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="procedure_steps")

    class Meta:
        ordering = ["started_at", "procedure", "step", "pk"]
        indexes = [models.Index(fields=["procedure", "step"], name="vendors_step_proc_step")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True)
                | models.Q(finished_at__gte=models.F("started_at")),
                name="procedure_step_finishes_after_start",
            ),
        ]
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")

    def __str__(self) -> str:
        return f"{self.procedure}/{self.step} {self.actor_role} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def actor_role_label(self) -> str:
        """The role the step was done in, as people read it."""
        labels = {"vendor": _("Vendor"), "helpdesk": _("Helpdesk"), "verifier": _("Verifier"),
                  "administrator": _("Administrator")}
        return str(labels.get(self.actor_role, self.actor_role))

    @property
    def duration_minutes(self) -> float | None:
        """Elapsed wall-clock minutes (None while in progress)."""
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds() / 60, 1)

    @property
    def within_standard(self) -> bool | None:
        """Against Mutu Baku: minutes for timed steps, the deadline for day-counted ones."""
        if self.finished_at is None:
            return None
        if self.deadline is not None:
            return self.finished_at <= self.deadline
        if self.standard_minutes_max is not None:
            duration = self.duration_minutes
            return duration is not None and duration <= self.standard_minutes_max
        return None
