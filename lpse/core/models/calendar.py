from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lpse.core.models.base import TimeStampedModel

__all__ = ["Holiday"]


class Holiday(TimeStampedModel):
    """A day the unit does not work besides the national holidays of the `holidays` package.

    National holidays come from the package; administrators add local holidays and
    collective leave (cuti bersama), or mark a day the package lists as a working day
    (a holiday moved by decree).
    """

    class Kind(models.TextChoices):
        LOCAL = "local", _("Local holiday")
        COLLECTIVE_LEAVE = "cuti_bersama", _("Collective leave (cuti bersama)")
        NATIONAL = "national", _("National holiday (added by decree)")
        WORKING_DAY = "working_day", _("Working day (overrides a listed holiday)")

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LOCAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
