from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["PrequalificationResult", "QualificationSubmission"]


class QualificationSubmission(models.Model):
    """A participant's qualification data (isian kualifikasi) in a prequalification, and
    the committee's evaluation of it. Resubmitting before the deadline replaces it."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE,
                               related_name="qualification_submissions")
    participant = models.OneToOneField("tenders.Participant", on_delete=models.PROTECT,
                                       related_name="qualification_submission")
    experience = models.TextField(_("experience (similar work in the last years)"))
    personnel = models.TextField(_("key personnel"))
    equipment = models.TextField(_("main equipment"), blank=True)
    #: The vendor's business licences as they stood when the data was submitted.
    licences = models.JSONField(_("business licences"), default=list)
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("qualification documents (PDF)"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    passed = models.BooleanField(_("qualified"), null=True, blank=True)
    notes = models.TextField(_("evaluation notes"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("evaluated by"))
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)

    class Meta:
        ordering = ["tender_id", "submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(passed__isnull=True) | models.Q(passed=True)
                | ~models.Q(notes=""),
                name="qualification_failure_has_notes"),
        ]
        verbose_name = _("qualification submission")
        verbose_name_plural = _("qualification submissions")

    def __str__(self) -> str:
        return f"{self.participant_id} @ {self.tender_id}"


class PrequalificationResult(models.Model):
    """The committee's decision on the shortlist (penetapan hasil prakualifikasi), with its
    minutes; deciding it publishes the result. An upheld objection lets the committee
    correct the objector's evaluation and decide again (a revision, with new minutes)."""

    tender = models.OneToOneField("tenders.Tender", on_delete=models.PROTECT,
                                  related_name="prequalification_result")
    document = models.OneToOneField("core.IssuedDocument", on_delete=models.PROTECT,
                                    related_name="+")
    qualified_count = models.PositiveIntegerField(_("qualified"))
    #: 1 for the first decision; each revision after an upheld objection adds one (the
    #: earlier minutes stay issued; `document` is the latest).
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("prequalification result")
        verbose_name_plural = _("prequalification results")

    def __str__(self) -> str:
        return f"{self.tender_id}: {self.qualified_count}"
