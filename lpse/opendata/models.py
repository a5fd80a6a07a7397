"""Published OCDS data: immutable releases and one index row per contracting process.

Releases are written only by `lpse.opendata.services` (derived from the tenders' history;
see docs/apps/opendata.md). A release never changes once stored: a later change of the
tender is a new release.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["ContractingProcess", "PublishCursor", "Release"]


class AppendOnlyQuerySet(models.QuerySet["Release"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("OCDS releases are immutable")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("OCDS releases are immutable")


class ContractingProcess(models.Model):
    """One OCDS contracting process (one published tender): its `ocid` and the date of its
    latest release, so record packages page through processes with one indexed query."""

    ocid = models.CharField("ocid", max_length=120, unique=True)
    tender = models.OneToOneField("tenders.Tender", on_delete=models.PROTECT,
                                  related_name="ocds_process", verbose_name=_("tender"))
    first_release_at = models.DateTimeField(_("first release"))
    last_release_at = models.DateTimeField(_("latest release"))
    release_count = models.PositiveIntegerField(_("releases"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["last_release_at", "pk"]
        indexes = [models.Index(fields=["last_release_at", "id"], name="ocds_process_last")]
        verbose_name = _("contracting process")
        verbose_name_plural = _("contracting processes")

    def __str__(self) -> str:
        return self.ocid


class Release(models.Model):
    """One OCDS release: what was known about the process at `date`, with its tags."""

    process = models.ForeignKey(ContractingProcess, on_delete=models.PROTECT,
                                related_name="releases", verbose_name=_("contracting process"))
    ocid = models.CharField("ocid", max_length=120)
    release_id = models.CharField(_("release ID"), max_length=200)
    #: What happened, e.g. "tender", "schedule-change-12", "award" (unique per process).
    event = models.CharField(_("event"), max_length=60)
    date = models.DateTimeField(_("release date"))
    tags = models.JSONField(_("tags"), default=list)
    data = models.JSONField(_("release"))
    published_at = models.DateTimeField(pgettext_lazy("opendata", "published at"),
                                        auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ocid", "event"], name="ocds_release_event_once"),
            models.UniqueConstraint(fields=["ocid", "release_id"], name="ocds_release_id_once"),
        ]
        indexes = [
            models.Index(fields=["date", "id"], name="ocds_release_date"),
            models.Index(fields=["ocid", "date", "id"], name="ocds_release_ocid_date"),
        ]
        verbose_name = _("OCDS release")
        verbose_name_plural = _("OCDS releases")

    def __str__(self) -> str:
        return self.release_id

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("OCDS releases are immutable")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PublishCursor(models.Model):
    """How far the publisher has read the audit log (the outbox of tender changes)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("publication cursor")
        verbose_name_plural = _("publication cursors")

    def __str__(self) -> str:
        return str(self.last_seq)
