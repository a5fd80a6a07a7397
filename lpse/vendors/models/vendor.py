from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lpse.core.models import StoredFile, TimeStampedModel
from lpse.vendors.regions import PROVINCES

__all__ = ["BusinessLicence", "Deed", "Vendor", "VendorDataChange", "VendorDocument"]


class Vendor(TimeStampedModel):
    """A vendor company (penyedia / rekanan) and its one portal account.

    Life cycle (regulation Lampiran I 1.2): registered online → PENDING until verified in
    person within 7 working days → ACTIVE (password set through a single-use link), or
    REJECTED, or EXPIRED when nobody came. Changes to legal data put an ACTIVE vendor in
    NEEDS_REVERIFICATION; an administrator may deactivate and reactivate.
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

    #: Statuses in which the vendor may log in.
    LOGIN_STATUSES = frozenset({Status.ACTIVE, Status.NEEDS_REVERIFICATION})
    #: Statuses that end a registration; the NPWP, user ID and e-mail are free again.
    CLOSED_STATUSES = frozenset({Status.REJECTED, Status.EXPIRED})

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

    registration_number = models.CharField(
        _("registration number"), max_length=30, unique=True
    )
    registered_user_id = models.CharField(
        _("user ID chosen at registration"), max_length=150,
        help_text=_("Kept for the record: the account's user ID is released when a "
                    "registration expires or is rejected."),
    )
    nib = models.CharField(
        _("NIB"), max_length=13, blank=True,
        help_text=_("Business identification number (Nomor Induk Berusaha), 13 digits."),
    )
    address = models.CharField(_("address"), max_length=300)
    province = models.CharField(_("province"), max_length=60, choices=PROVINCES)
    regency = models.CharField(_("regency / city"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    phone = models.CharField(_("phone"), max_length=40)
    director_name = models.CharField(_("director's name"), max_length=150)
    director_position = models.CharField(
        _("director's position"), max_length=100, default="Direktur"
    )
    director_nik = models.CharField(
        _("director's NIK"), max_length=16,
        help_text=_("Personal data: shown only to the vendor and authorised LPSE officers."),
    )
    verification_deadline = models.DateTimeField(
        _("verification deadline"), null=True, blank=True,
        help_text=_("Close of service on the 7th working day after registration."),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("verified by"),
    )
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    deactivation_reason = models.CharField(_("reason for deactivation"), max_length=300,
                                           blank=True)
    status_before_deactivation = models.CharField(max_length=30, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            # One account per NPWP, except for registrations that lapsed or were rejected.
            models.UniqueConstraint(
                fields=["npwp"],
                condition=~models.Q(status__in=["expired", "rejected"]),
                name="vendor_npwp_unique_live",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="pending") | models.Q(
                    verification_deadline__isnull=False
                ),
                name="vendor_pending_has_deadline",
            ),
        ]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

    def __str__(self) -> str:
        return f"{self.get_business_form_display()} {self.name}"

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def npwp_display(self) -> str:
        from lpse.vendors.validators import format_npwp

        return format_npwp(self.npwp)


class Deed(TimeStampedModel):
    """A notarial deed: the deed of establishment and the latest amendment (if any)."""

    class Kind(models.TextChoices):
        ESTABLISHMENT = "establishment", _("Deed of establishment")
        AMENDMENT = "amendment", _("Latest amendment deed")

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="deeds",
                               verbose_name=_("vendor"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("deed number"), max_length=60)
    date = models.DateField(_("deed date"))
    notary = models.CharField(_("notary"), max_length=150)

    class Meta:
        ordering = ["vendor_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "kind"], name="deed_one_per_kind"),
        ]
        verbose_name = _("deed")
        verbose_name_plural = _("deeds")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} ({self.date:%d-%m-%Y})"


class BusinessLicence(TimeStampedModel):
    """A business licence (izin usaha) with its validity and business fields."""

    class Kind(models.TextChoices):
        NIB = "nib", _("NIB / risk-based business licence (OSS)")
        SIUP = "siup", _("Trading business licence (SIUP)")
        SIUJK = "siujk", _("Construction services licence (SIUJK)")
        SBU = "sbu", _("Business entity certificate (SBU)")
        OTHER = "other", _("Other licence")

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="licences",
                               verbose_name=_("vendor"))
    kind = models.CharField(_("licence type"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("licence number"), max_length=80)
    issued_by = models.CharField(_("issued by"), max_length=150, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True,
        help_text=_("Leave empty when the licence has no end date."),
    )
    business_fields = models.ManyToManyField(
        "catalog.BusinessField", blank=True, related_name="licences",
        verbose_name=_("business fields"),
    )

    class Meta:
        ordering = ["vendor_id", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "kind", "number"],
                                    name="licence_unique_per_vendor"),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True) | models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="licence_valid_period",
            ),
        ]
        verbose_name = _("business licence")
        verbose_name_plural = _("business licences")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def expired_on(self, day: date) -> bool:
        """Its validity ended before `day` (valid through its last day; no end date: never
        expires)."""
        return self.valid_until is not None and self.valid_until < day

    @property
    def is_expired(self) -> bool:
        """Expired today (WIB): flagged on the vendor's pages and the desk checklist."""
        from lpse.core.calendar import localdate_wib

        return self.expired_on(localdate_wib())


class VendorDocument(models.Model):
    """A scan the vendor supplied (KTP, NPWP, deeds, licences): personal data."""

    class Kind(models.TextChoices):
        KTP = "ktp", _("Director's identity card (KTP)")
        NPWP = "npwp", _("NPWP card")
        DEED_ESTABLISHMENT = "deed_establishment", _("Deed of establishment")
        DEED_AMENDMENT = "deed_amendment", _("Latest amendment deed")
        LICENCE = "licence", _("Business licence")
        OTHER = "other", _("Other document")

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="documents",
                               verbose_name=_("vendor"))
    kind = models.CharField(_("document"), max_length=30, choices=Kind.choices)
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("file"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["vendor_id", "kind", "-created_at"]
        verbose_name = _("vendor document scan")
        verbose_name_plural = _("vendor document scans")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.file.original_name})"


class VendorDataChange(models.Model):
    """One change to a vendor's data: by the vendor, or corrected by a verifier (with a
    reason). Legal-data changes by the vendor wait for a verifier to confirm them."""

    class Source(models.TextChoices):
        VENDOR = "vendor", _("Vendor")
        VERIFIER = "verifier", _("Verifier correction")
        ADMINISTRATOR = "administrator", _("Administrator")

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="changes",
                               verbose_name=_("vendor"))
    field = models.CharField(_("field"), max_length=60)
    label = models.CharField(_("data"), max_length=150)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    personal_data = models.BooleanField(default=False)
    legal = models.BooleanField(
        _("legal data"), default=False,
        help_text=_("Deeds, directors, licences, NPWP: a verifier must confirm them."),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    session = models.ForeignKey(
        "vendors.VerificationSession", on_delete=models.PROTECT, null=True, blank=True,
        related_name="corrections", verbose_name=_("verification session"),
    )
    confirmed_in = models.ForeignKey(
        "vendors.VerificationSession", on_delete=models.PROTECT, null=True, blank=True,
        related_name="confirmed_changes", verbose_name=_("confirmed in"),
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source="verifier") | ~models.Q(reason=""),
                name="vendor_change_correction_has_reason",
            ),
        ]
        verbose_name = _("vendor data change")
        verbose_name_plural = _("vendor data changes")

    def __str__(self) -> str:
        return f"{self.vendor_id}: {self.label}"
