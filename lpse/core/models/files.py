import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["StoredFile"]


class StoredFile(models.Model):
    """A file kept in storage under a random name, with its hashes.

    The user's file name is kept for display only; the storage path never derives from it.
    `purpose` names the owning feature; lpse.core.files decides who may download it by
    asking the access rule registered for that purpose.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(_("purpose"), max_length=60, db_index=True)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    md5 = models.CharField("MD5", max_length=32, help_text=_("Shown only for compatibility."))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)
    personal_data = models.BooleanField(
        _("contains personal data"), default=False,
        help_text=_("Every view of a file with personal data is recorded in the audit log."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.original_name
