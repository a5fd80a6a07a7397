import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lpse.core.models.files import StoredFile

__all__ = ["IssuedDocument", "LetterSequence"]


class LetterSequence(models.Model):
    """The last number used for one type of official letter in one year."""

    letter_type = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["letter_type", "year"], name="letter_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.letter_type} {self.year}: {self.last_number}"


class IssuedDocument(models.Model):
    """Every official letter and minutes (berita acara) the system issues, as a PDF.

    The PDF carries a verification code; anyone holding a copy can check it at
    /documents/verify/<code>/ against the SHA-256 recorded here.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    letter_type = models.CharField(_("document type"), max_length=60, db_index=True)
    number = models.CharField(_("number"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="document")
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
