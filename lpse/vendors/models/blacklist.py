from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lpse.core.models import TimeStampedModel

__all__ = ["BlacklistEntry"]


class BlacklistQuerySet(models.QuerySet["BlacklistEntry"]):
    def in_force(self, on: date) -> BlacklistQuerySet:
        return self.filter(revoked_at__isnull=True, starts_on__lte=on).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=on)
        )


class BlacklistEntry(TimeStampedModel):
    """A listing on the blacklist (daftar hitam): a company, its NPWP and/or a person's
    NIK, the decision it comes from, and the period it is in force."""

    company_name = models.CharField(_("company name"), max_length=200)
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True, db_index=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    source_reference = models.CharField(
        _("source reference"), max_length=300,
        help_text=_("The decision that lists the company, e.g. the number of the decree."),
    )
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"), null=True, blank=True,
                               help_text=_("Leave empty when the listing has no end date."))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("listed by"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("revoked by"))
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300,
                                         blank=True)

    objects = BlacklistQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "company_name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(npwp="") | ~models.Q(nik=""),
                                   name="blacklist_needs_npwp_or_nik"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="blacklist_valid_period",
            ),
        ]
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist entries")

    def __str__(self) -> str:
        return f"{self.company_name} ({self.source_reference})"

    def is_in_force(self, on: date) -> bool:
        return (self.revoked_at is None and self.starts_on <= on
                and (self.ends_on is None or self.ends_on >= on))
