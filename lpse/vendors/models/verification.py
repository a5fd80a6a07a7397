from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["VerificationCheck", "VerificationSession"]


class VerificationSession(models.Model):
    """One visit of a vendor to the verification desk (regulation Lampiran I 1.2 steps
    8–9): opened by a verifier (the service timer starts), finished with an outcome."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        REVERIFICATION = "reverification", _("Re-verification of changed data")

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        INCOMPLETE = "incomplete", _("Incomplete — vendor comes back")

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT,
                               related_name="verification_sessions", verbose_name=_("vendor"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("opened by"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("finished by"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices,
                               blank=True)
    reason = models.TextField(_("reason / what is missing"), blank=True)
    record = models.ForeignKey(
        "core.IssuedDocument", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("verification record"),
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor"], condition=models.Q(finished_at__isnull=True),
                name="verification_one_open_session_per_vendor",
            ),
            models.CheckConstraint(
                condition=(models.Q(finished_at__isnull=True) & models.Q(outcome=""))
                | (models.Q(finished_at__isnull=False) & ~models.Q(outcome="")),
                name="verification_outcome_when_finished",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="rejected") | ~models.Q(reason=""),
                name="verification_rejection_has_reason",
            ),
        ]
        verbose_name = _("verification session")
        verbose_name_plural = _("verification sessions")

    def __str__(self) -> str:
        return f"{self.vendor} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.finished_at is None

    @property
    def duration_minutes(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds() / 60, 1)


class VerificationCheck(models.Model):
    """One line of the desk checklist: a required document, its original seen, and
    whether it matches the registered data."""

    session = models.ForeignKey(VerificationSession, on_delete=models.CASCADE,
                                related_name="checks", verbose_name=_("session"))
    item = models.CharField(_("item"), max_length=40)
    label = models.CharField(_("document"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    original_seen = models.BooleanField(_("original seen"), default=False)
    matches = models.BooleanField(_("matches the data"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["session_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "item"], name="verification_check_item"),
        ]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.label

    @property
    def complete(self) -> bool:
        return self.original_seen and self.matches
