from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lpse.core.models import TimeStampedModel

__all__ = ["Vendor"]


class Vendor(TimeStampedModel):
    """A vendor company (penyedia / rekanan) and its one portal account.

    The registration and verification workflow (regulation Lampiran I) extends this model.
    """

    class BusinessForm(models.TextChoices):
        PT = "pt", "PT"
        CV = "cv", "CV"
        FIRMA = "firma", _("Firma")
        KOPERASI = "koperasi", _("Koperasi")
        PERORANGAN = "perorangan", _("Perorangan")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        ACTIVE = "active", _("Active")
        NEEDS_REVERIFICATION = "needs_reverification", _("Needs re-verification")
        DEACTIVATED = "deactivated", _("Deactivated")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired (not verified in time)")

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vendor",
        verbose_name=_("account"),
    )
    business_form = models.CharField(
        _("form of business"), max_length=20, choices=BusinessForm.choices
    )
    name = models.CharField(_("company name"), max_length=200)
    npwp = models.CharField(_("NPWP"), max_length=16)
    email = models.EmailField(_("company e-mail"))
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # One account per NPWP, except for registrations that lapsed or were rejected.
            models.UniqueConstraint(
                fields=["npwp"],
                condition=~models.Q(status__in=["expired", "rejected"]),
                name="vendor_npwp_unique_live",
            ),
        ]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

    def __str__(self) -> str:
        return f"{self.get_business_form_display()} {self.name}"

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.ACTIVE
