from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["RegistrationLink"]


class RegistrationLink(models.Model):
    """A registration link e-mailed to a company address (regulation Lampiran I 1.2
    steps 2–4). The link carries a signed nonce; the row makes it single-use."""

    email = models.EmailField(_("company e-mail"))
    nonce = models.CharField(max_length=64, unique=True, editable=False)
    requested_ip = models.GenericIPAddressField(_("requested from"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, default="id")
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    vendor = models.OneToOneField(
        "vendors.Vendor", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="registration_link", verbose_name=_("vendor"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("registration link")
        verbose_name_plural = _("registration links")

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%Y-%m-%d %H:%M})"
