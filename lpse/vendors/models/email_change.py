from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lpse.core.models import StoredFile

__all__ = ["EmailChangeRequest"]


class EmailChangeRequest(models.Model):
    """A change of the company e-mail (regulation Lampiran III 3.3–3.4): filed with a
    signed statement letter, confirmed by a verifier against the director's original KTP
    and the deed, applied by an administrator; both addresses are told."""

    class Status(models.TextChoices):
        FILED = "filed", _("Waiting for the verifier")
        VERIFIED = "verified", _("Waiting for the administrator")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")

    OPEN_STATUSES = frozenset({Status.FILED, Status.VERIFIED})

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT,
                               related_name="email_changes", verbose_name=_("vendor"))
    old_email = models.EmailField(_("current e-mail"))
    new_email = models.EmailField(_("new e-mail"))
    statement_letter = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("signed statement letter"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.FILED, db_index=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"))
    # Verifier (step 1): the director's original KTP and the deed are checked.
    check_started_at = models.DateTimeField(_("check started at"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    statement_signed = models.BooleanField(_("statement letter signed by the director"),
                                           default=False)
    ktp_original_seen = models.BooleanField(_("director's original KTP seen and matching"),
                                            default=False)
    deed_seen = models.BooleanField(_("company deed seen and matching"), default=False)
    verification_note = models.CharField(_("verifier's note"), max_length=300, blank=True)
    # Administrator (steps 2–3).
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("received by"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("applied by"))
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    rejected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("rejected by"))
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300,
                                        blank=True)
    record = models.ForeignKey("core.IssuedDocument", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+",
                               verbose_name=pgettext_lazy("vendor", "record"))

    class Meta:
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor"], condition=models.Q(status__in=["filed", "verified"]),
                name="email_change_one_open_per_vendor",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="verified") | (
                    models.Q(ktp_original_seen=True) & models.Q(deed_seen=True)
                    & models.Q(statement_signed=True)
                ),
                name="email_change_verified_needs_checks",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="email_change_rejection_has_reason",
            ),
        ]
        verbose_name = _("e-mail change request")
        verbose_name_plural = _("e-mail change requests")

    def __str__(self) -> str:
        return f"{self.vendor}: {self.old_email} → {self.new_email}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
