from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["IntegrityPact", "Participant", "Question"]


class Participant(models.Model):
    """A vendor taking part in a tender. Bids (lpse.bids) hang from this record."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.PROTECT,
                               related_name="participants", verbose_name=_("tender"))
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT,
                               related_name="tender_participations", verbose_name=_("vendor"))
    joined_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("joined by"))
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        ordering = ["tender_id", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "vendor"], name="participant_once"),
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return f"{self.vendor.name} @ {self.tender_id}"


class IntegrityPact(models.Model):
    """The integrity pact (pakta integritas) a participant accepted, word for word."""

    participant = models.OneToOneField(Participant, on_delete=models.PROTECT,
                                       related_name="integrity_pact")
    text = models.TextField(_("text accepted"))
    sha256 = models.CharField("SHA-256", max_length=64)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("accepted by"))
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("integrity pact")
        verbose_name_plural = _("integrity pacts")

    def __str__(self) -> str:
        return f"{self.participant} {self.accepted_at:%Y-%m-%d %H:%M}"


class Question(models.Model):
    """A question of the clarification (pemberian penjelasan) and the committee's answer.

    Other vendors never see who asked."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE,
                               related_name="questions")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT,
                                    related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["tender_id", "asked_at", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text[:60]
