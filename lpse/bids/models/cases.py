"""A bid file the committee cannot open (regulation Pasal 9–10, Lampiran III 3.1–3.2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["UnopenableCase"]


class UnopenableCase(models.Model):
    """The committee files a request with the file(s) (step 1); an LPSE administrator
    examines them with the system's diagnostics (step 2, 5–15 min) and records the finding;
    the LPSE witnesses it in the Berita Acara Kesaksian (Pasal 9 (2)); it may forward the
    case to LKPP as a package — encrypted files, receipt, hashes, logs, never keys — (step 3,
    1–5 min) and record LKPP's answer."""

    class Status(models.TextChoices):
        FILED = "filed", _("Filed by the committee")
        EXAMINING = "examining", _("Being examined by the LPSE")
        EXAMINED = "examined", _("Examined")
        WITNESSED = "witnessed", _("Witness minutes issued")
        FORWARDED = "forwarded", _("Forwarded to LKPP")
        ANSWERED = "answered", _("LKPP answered")

    class Outcome(models.TextChoices):
        READABLE = "readable", _("The LPSE could open the file")
        UNREADABLE = "unreadable", _("The file cannot be opened")

    tender = models.ForeignKey("tenders.Tender", on_delete=models.PROTECT,
                               related_name="unopenable_cases", verbose_name=_("tender"))
    bid = models.ForeignKey("bids.Bid", on_delete=models.PROTECT, related_name="cases",
                            verbose_name=_("bid"))
    files = models.ManyToManyField("bids.BidFile", related_name="cases",
                                   verbose_name=_("files"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.FILED)
    description = models.TextField(_("what the committee observed"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("filed by"))
    request_letter = models.OneToOneField("core.IssuedDocument", on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="+")
    examination_started_at = models.DateTimeField(_("examination started"), null=True,
                                                  blank=True)
    examiner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("examiner"))
    diagnostics = models.JSONField(default=dict, blank=True)
    examined_at = models.DateTimeField(_("examined at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices,
                               blank=True)
    finding = models.TextField(_("finding"), blank=True)
    witnessed_at = models.DateTimeField(_("witness minutes issued at"), null=True, blank=True)
    witnessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    witness_minutes = models.OneToOneField("core.IssuedDocument", on_delete=models.PROTECT,
                                           null=True, blank=True, related_name="+")
    forwarded_at = models.DateTimeField(_("forwarded to LKPP at"), null=True, blank=True)
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    forward_started_at = models.DateTimeField(null=True, blank=True)
    lkpp_package = models.OneToOneField("core.StoredFile", on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+")
    lkpp_answered_at = models.DateTimeField(_("LKPP answered at"), null=True, blank=True)
    lkpp_answer = models.TextField(_("LKPP's answer"), blank=True)
    lkpp_answer_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                                on_delete=models.PROTECT, null=True,
                                                blank=True, related_name="+")

    class Meta:
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["witnessed", "forwarded", "answered"])
                | models.Q(witness_minutes__isnull=False),
                name="bids_case_witnessed_has_minutes"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["examined", "witnessed", "forwarded",
                                                "answered"]) | ~models.Q(outcome=""),
                name="bids_case_examined_has_outcome"),
        ]
        verbose_name = _("unopenable bid file case")
        verbose_name_plural = _("unopenable bid file cases")

    def __str__(self) -> str:
        return f"#{self.pk} {self.tender_id}"

    @property
    def has_statement(self) -> bool:
        """The LPSE's statement (witness minutes) exists."""
        return self.witness_minutes_id is not None
