"""Keys: members' personal opening keys, each tender's key per envelope and its shares, and
the opening ceremony that rebuilds a tender key from k shares."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["KeyShare", "MemberKey", "Opening", "OpeningUnlock", "TenderKey"]


class MemberKey(models.Model):
    """A committee member's personal opening key (X25519). The private part is stored only
    sealed under a key derived from the member's passphrase (Argon2id); the server never
    holds the passphrase. A member re-enrols to replace a forgotten passphrase: the old key
    is revoked, and shares sealed to it for tenders already published are lost to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="opening_keys", verbose_name=_("member"))
    public_key = models.BinaryField(_("public key"), max_length=32)
    sealed_private_key = models.BinaryField(max_length=128)
    kdf_salt = models.BinaryField(max_length=32)
    kdf_params = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    passphrase_changed_at = models.DateTimeField(_("passphrase changed at"), null=True,
                                                 blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["user_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(revoked_at__isnull=True),
                                    name="bids_member_key_one_active"),
        ]
        verbose_name = _("opening key")
        verbose_name_plural = _("opening keys")

    def __str__(self) -> str:
        return f"{self.user} {self.fingerprint}"

    @property
    def fingerprint(self) -> str:
        import hashlib

        digest = hashlib.sha256(bytes(self.public_key)).hexdigest().upper()
        return " ".join(digest[i:i + 4] for i in range(0, 16, 4))

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class TenderKey(models.Model):
    """The key pair of one envelope of a tender, created at publication. The private key is
    split k-of-n among the committee members and forgotten; only after this envelope's
    opening is it kept, sealed under the server's vault key, to serve opened documents."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.PROTECT,
                               related_name="bid_keys", verbose_name=_("tender"))
    envelope = models.PositiveSmallIntegerField(_("envelope"))
    recipient = models.CharField(_("public key (age recipient)"), max_length=100, unique=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    threshold = models.PositiveSmallIntegerField(_("shares needed (k)"))
    share_count = models.PositiveSmallIntegerField(_("shares (n)"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    # Set only when the envelope has been opened (see docs/apps/bids.md "After the opening").
    opened_identity = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["tender_id", "envelope"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "envelope"], name="bids_tender_key_once"),
            models.CheckConstraint(condition=models.Q(envelope__in=[1, 2]),
                                   name="bids_tender_key_envelope"),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=1, threshold__lte=models.F("share_count")),
                name="bids_tender_key_threshold"),
        ]
        verbose_name = _("tender key")
        verbose_name_plural = _("tender keys")

    def __str__(self) -> str:
        return f"{self.tender_id}/{self.envelope} {self.fingerprint}"


class KeyShare(models.Model):
    """One member's share of a tender key, sealed to the member's key with HPKE."""

    tender_key = models.ForeignKey(TenderKey, on_delete=models.PROTECT, related_name="shares")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="bid_key_shares")
    member_key = models.ForeignKey(MemberKey, on_delete=models.PROTECT, related_name="shares")
    sealed_share = models.BinaryField(max_length=512)

    class Meta:
        ordering = ["tender_key_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender_key", "member"], name="bids_share_once"),
        ]
        verbose_name = _("key share")
        verbose_name_plural = _("key shares")

    def __str__(self) -> str:
        return f"{self.tender_key_id}:{self.member_id}"


class Opening(models.Model):
    """The opening ceremony of one envelope (pembukaan penawaran).

    Members unlock their shares one by one; until k are present each unlocked share is kept
    sealed under a ceremony key (vault key + this ceremony's salt). The k-th member's request
    rebuilds the tender key in memory; the unlocked shares are erased at once."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("Collecting shares")
        VERIFYING = "verifying", _("Decrypting and checking the bids")
        DONE = "done", _("Opened")

    tender_key = models.OneToOneField(TenderKey, on_delete=models.PROTECT,
                                      related_name="opening")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.COLLECTING)
    ceremony_salt = models.BinaryField(max_length=32)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("started by"))
    key_rebuilt_at = models.DateTimeField(_("key rebuilt at"), null=True, blank=True)
    key_rebuilt_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(_("bids checked at"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    minutes = models.OneToOneField("core.IssuedDocument", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+",
                                   verbose_name=_("minutes of opening"))

    class Meta:
        verbose_name = _("bid opening")
        verbose_name_plural = _("bid openings")

    def __str__(self) -> str:
        return f"{self.tender_key}"


class OpeningUnlock(models.Model):
    """A member's unlocked share, sealed for the ceremony; erased when the key is rebuilt."""

    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="unlocks")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("member"))
    unlocked_at = models.DateTimeField(_("unlocked at"), default=timezone.now)
    sealed_share = models.BinaryField(null=True, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["opening_id", "unlocked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["opening", "member"], name="bids_unlock_once"),
        ]
        verbose_name = _("share unlocked")
        verbose_name_plural = _("shares unlocked")

    def __str__(self) -> str:
        return f"{self.opening_id}:{self.member_id}"
