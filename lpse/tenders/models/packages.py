from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lpse.core.models import TimeStampedModel

__all__ = ["CodeSequence", "Package"]

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}


class CodeSequence(models.Model):
    """The last number used for package and tender codes of one year."""

    kind = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="tenders_code_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last_number}"


class Package(TimeStampedModel):
    """A procurement package (paket) created by its PPK, then handed to a committee."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("package status", "Draft")
        HANDED_OVER = "handed_over", _("Handed over to the committee")
        COMPLETED = "completed", _("Completed (contract signed)")
        CANCELLED = "cancelled", pgettext_lazy("package status", "Cancelled")

    code = models.CharField(_("package code"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("package name"), max_length=300)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT,
                               related_name="packages", verbose_name=_("agency"))
    work_unit = models.ForeignKey("accounts.WorkUnit", on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="packages",
                                  verbose_name=_("work unit"))
    category = models.ForeignKey("catalog.ProcurementCategory", on_delete=models.PROTECT,
                                 related_name="packages", verbose_name=_("procurement category"))
    method = models.ForeignKey("catalog.SelectionMethod", on_delete=models.PROTECT,
                               related_name="packages", verbose_name=_("selection method"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    funding_source = models.ForeignKey("catalog.FundingSource", on_delete=models.PROTECT,
                                       related_name="packages", verbose_name=_("funding source"))
    budget_ceiling = models.DecimalField(_("budget ceiling (pagu)"), **MONEY)
    owner_estimate = models.DecimalField(_("owner's estimate (HPS)"), **MONEY)
    location = models.CharField(_("location"), max_length=300)
    rup_code = models.CharField(_("RUP code"), max_length=30, blank=True,
                                help_text=_("Code of the package in the procurement plan "
                                            "(Rencana Umum Pengadaan)."))
    business_fields = models.ManyToManyField("catalog.BusinessField", blank=True,
                                             related_name="packages",
                                             verbose_name=_("required business fields"))
    qualification_requirements = models.TextField(_("qualification requirements"), blank=True)
    ppk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                            related_name="packages", verbose_name=_("PPK"))
    committee = models.ForeignKey("tenders.Committee", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="packages",
                                  verbose_name=_("committee or procurement officer"))
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The services check these first and name the field; the messages are for any
            # other path to full_clean() (Django's default names the constraint).
            models.CheckConstraint(
                condition=models.Q(budget_ceiling__gt=0), name="package_budget_positive",
                violation_error_message=_("The budget ceiling (pagu) must be more than "
                                          "zero.")),
            models.CheckConstraint(
                condition=models.Q(owner_estimate__gt=0), name="package_estimate_positive",
                violation_error_message=_("The owner's estimate (HPS) must be more than "
                                          "zero.")),
            models.CheckConstraint(
                condition=models.Q(owner_estimate__lte=models.F("budget_ceiling")),
                name="package_estimate_within_budget",
                violation_error_message=_("The owner's estimate (HPS) cannot exceed the "
                                          "budget ceiling (pagu)."),
            ),
            models.UniqueConstraint(
                fields=["rup_code", "fiscal_year"], condition=~models.Q(rup_code=""),
                name="package_rup_code_unique_per_year",
                violation_error_message=_("Another package of this fiscal year already has "
                                          "this RUP code.")),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(committee__isnull=False),
                name="package_handed_over_has_committee",
            ),
        ]
        verbose_name = _("package")
        verbose_name_plural = _("packages")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
