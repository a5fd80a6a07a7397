from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lpse.core.models import TimeStampedModel

if TYPE_CHECKING:
    from lpse.accounts.models import User

__all__ = ["Committee", "CommitteeMember"]


class Committee(TimeStampedModel):
    """A procurement committee (Pokja Pemilihan) or a single procurement officer (Pejabat
    Pengadaan), formed by the agency administrator. The PPK hands packages to one.

    A committee has an odd number of members, at least three; an officer exactly one. The
    sealed-bids module splits each tender's opening key among `member_users()`.
    """

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Procurement committee (Pokja Pemilihan)")
        OFFICER = "officer", _("Procurement officer (Pejabat Pengadaan)")

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="committees",
        verbose_name=_("agency"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.COMMITTEE)
    name = models.CharField(_("name"), max_length=200)
    decree_number = models.CharField(_("decree number (SK)"), max_length=100, blank=True)
    decree_date = models.DateField(_("decree date"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="committee_name_per_agency"),
        ]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")

    def __str__(self) -> str:
        return self.name

    def member_users(self) -> list[User]:
        """The members' accounts, chair first (uses prefetched `members` when present)."""
        members = sorted(self.members.all(), key=lambda m: (m.position_rank, m.pk))
        return [m.user for m in members]


class CommitteeMember(models.Model):
    class Position(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")
        OFFICER = "officer", _("Procurement officer")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
        related_name="committee_memberships", verbose_name=_("member"),
    )
    position = models.CharField(_("position"), max_length=20, choices=Position.choices,
                                default=Position.MEMBER)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["committee_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="committee_member_once"),
        ]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_position_display()})"

    @property
    def position_rank(self) -> int:
        order = [self.Position.CHAIR, self.Position.OFFICER, self.Position.SECRETARY,
                 self.Position.MEMBER]
        return order.index(self.Position(self.position))
