"""History of changes of the catalog's records: one row per version, written by services."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["ChangeVersion"]


class ChangeVersion(models.Model):
    """Version N of a record: who changed it, when, what (old → new), and the full snapshot."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("change action", "Created")
        UPDATED = "updated", pgettext_lazy("change action", "Updated")
        ACTIVATED = "activated", pgettext_lazy("change action", "Activated")
        DEACTIVATED = "deactivated", pgettext_lazy("change action", "Deactivated")
        PUBLISHED = "published", pgettext_lazy("change action", "Published")
        UNPUBLISHED = "unpublished", pgettext_lazy("change action", "Unpublished")
        DELETED = "deleted", pgettext_lazy("change action", "Deleted")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("record type")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("changed by"),
    )
    at = models.DateTimeField(_("changed at"), default=timezone.now)
    object_repr = models.CharField(_("record name"), max_length=250)
    #: {field: [old, new]} of the fields that changed (empty for the first version).
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    #: The record's values after this change.
    snapshot = models.JSONField(_("values"), default=dict)

    class Meta:
        ordering = ["content_type_id", "object_id", "-version"]
        verbose_name = _("change version")
        verbose_name_plural = _("change versions")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "version"],
                name="catalog_change_version_unique",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.object_repr} v{self.version}"
