"""Members' opening keys, and each tender's key pairs made at publication."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.accounts.roles import Perm, has_perm
from lpse.audit.services import audit_record
from lpse.bids import crypto
from lpse.bids.envelopes import envelope_count
from lpse.bids.models import KeyShare, MemberKey, TenderKey

if TYPE_CHECKING:
    from lpse.accounts.models import User
    from lpse.tenders.models import Tender

MIN_PASSPHRASE = 12


def kdf_params() -> crypto.KdfParams:
    return crypto.KdfParams(time_cost=settings.BIDS_ARGON2_TIME_COST,
                            memory_kib=settings.BIDS_ARGON2_MEMORY_KIB,
                            parallelism=settings.BIDS_ARGON2_PARALLELISM)


def validate_passphrase(passphrase: str, *, user: User) -> None:
    errors: list[str] = []
    if len(passphrase) < MIN_PASSPHRASE:
        errors.append(_("The passphrase must have at least %(n)s characters.")
                      % {"n": MIN_PASSPHRASE})
    try:
        CommonPasswordValidator().validate(passphrase, user)
    except ValidationError:
        errors.append(_("This passphrase is too common: choose one nobody would guess."))
    lowered = passphrase.lower()
    if any(part and len(part) >= 4 and part.lower() in lowered
           for part in (user.get_username(), user.email.split("@")[0])):
        errors.append(_("The passphrase must not contain your user ID or e-mail address."))
    if errors:
        raise ValidationError({"passphrase": errors})


def _context(user: User) -> bytes:
    return f"user:{user.pk}".encode()


def sealed_key_of(key: MemberKey) -> crypto.SealedMemberKey:
    return crypto.SealedMemberKey(public=bytes(key.public_key),
                                  sealed_private=bytes(key.sealed_private_key),
                                  salt=bytes(key.kdf_salt),
                                  params=crypto.KdfParams.from_dict(key.kdf_params))


def active_key_of(user: User) -> MemberKey | None:
    return MemberKey.objects.filter(user=user, revoked_at__isnull=True).first()


def member_private_key(*, user: User, key: MemberKey, passphrase: str) -> bytes:
    """Open a member's private key; ValidationError on a wrong passphrase."""
    try:
        return crypto.member_key_open(sealed_key_of(key), passphrase, context=_context(user))
    except crypto.CryptoError as exc:
        raise ValidationError({"passphrase": _("The passphrase is not correct.")}) from exc


@transaction.atomic
def member_key_enrol(*, actor: User, passphrase: str, passphrase_again: str) -> MemberKey:
    """Create the member's opening key (replacing an earlier one, whose shares are lost)."""
    if not has_perm(actor, Perm.OPEN_BIDS):
        raise PermissionDenied(_("Only committee members and procurement officers hold an "
                                 "opening key."))
    if passphrase != passphrase_again:
        raise ValidationError({"passphrase_again": _("The two passphrases differ.")})
    validate_passphrase(passphrase, user=actor)
    previous = MemberKey.objects.select_for_update().filter(
        user=actor, revoked_at__isnull=True).first()
    now = timezone.now()
    if previous is not None:
        previous.revoked_at = now
        previous.save(update_fields=["revoked_at"])
    sealed = crypto.member_key_create(passphrase, params=kdf_params(), context=_context(actor))
    key = MemberKey.objects.create(
        user=actor, public_key=sealed.public, sealed_private_key=sealed.sealed_private,
        kdf_salt=sealed.salt, kdf_params=sealed.params.as_dict(), created_at=now)
    lost = KeyShare.objects.filter(member_key=previous).count() if previous else 0
    audit_record(action="bids.opening_key_enrolled", actor=actor, target=key,
                 data={"fingerprint": key.fingerprint, "replaces": previous.pk if previous
                       else None, "shares_lost": lost, "kdf": key.kdf_params})
    return key


@transaction.atomic
def member_key_change_passphrase(*, actor: User, passphrase: str, new_passphrase: str,
                                 new_passphrase_again: str) -> MemberKey:
    """Seal the same private key under a new passphrase (shares stay valid)."""
    key = MemberKey.objects.select_for_update().filter(user=actor,
                                                        revoked_at__isnull=True).first()
    if key is None:
        raise ValidationError(_("You have no opening key yet."))
    if new_passphrase != new_passphrase_again:
        raise ValidationError({"new_passphrase_again": _("The two passphrases differ.")})
    try:
        validate_passphrase(new_passphrase, user=actor)
    except ValidationError as exc:
        raise ValidationError({"new_passphrase": exc.messages}) from exc
    private = member_private_key(user=actor, key=key, passphrase=passphrase)
    sealed = crypto.member_key_seal(private, new_passphrase, params=kdf_params(),
                                    context=_context(actor))
    key.sealed_private_key, key.kdf_salt = sealed.sealed_private, sealed.salt
    key.kdf_params = sealed.params.as_dict()
    key.passphrase_changed_at = timezone.now()
    key.save(update_fields=["sealed_private_key", "kdf_salt", "kdf_params",
                            "passphrase_changed_at"])
    audit_record(action="bids.opening_key_passphrase_changed", actor=actor, target=key,
                 data={"fingerprint": key.fingerprint})
    return key


# --- Publication hooks (registered in apps.py through lpse.tenders.hooks) --------------------


def members_without_key(tender: Tender) -> list[User]:
    members = tender.committee.member_users()
    enrolled = set(MemberKey.objects.filter(
        user__in=members, revoked_at__isnull=True).values_list("user_id", flat=True))
    return [m for m in members if m.pk not in enrolled]


def publish_check(tender: Tender) -> list[str]:
    """Publication is refused while a committee member has no opening key."""
    missing = members_without_key(tender)
    if not missing:
        return []
    return [_("These committee members have not enrolled their opening key yet (menu "
              "\"Opening key\"): %(names)s. The sealed bids cannot be split among them "
              "before they do.") % {"names": ", ".join(m.full_name or m.get_username()
                                                       for m in missing)}]


def tender_keys_create(tender: Tender, actor: User) -> list[TenderKey]:
    """At publication: one key pair per envelope, each private key split k-of-n among the
    committee members and sealed to their keys; the private key is then forgotten (the
    local variable is the only place it ever existed)."""
    if tender.bid_keys.exists():
        return list(tender.bid_keys.all())
    members = tender.committee.member_users()
    keys = {k.user_id: k for k in MemberKey.objects.filter(user__in=members,
                                                           revoked_at__isnull=True)}
    if len(keys) != len(members) or not members:
        raise ValidationError(publish_check(tender) or [_("The committee has no members.")])
    threshold = crypto.default_threshold(len(members))
    created = []
    for envelope in range(1, envelope_count(tender) + 1):
        pair = crypto.TenderKeyPair.generate()
        tender_key = TenderKey.objects.create(
            tender=tender, envelope=envelope, recipient=pair.recipient,
            fingerprint=crypto.fingerprint(pair.recipient), threshold=threshold,
            share_count=len(members), created_by=actor)
        shares = crypto.split_secret(pair.private, threshold=threshold, shares=len(members))
        for member, share in zip(members, shares, strict=True):
            key = keys[member.pk]
            KeyShare.objects.create(
                tender_key=tender_key, member=member, member_key=key,
                sealed_share=crypto.share_seal(share, bytes(key.public_key),
                                               context=share_context(tender_key, member)))
        del pair, shares
        audit_record(action="bids.tender_key_created", actor=actor, target=tender_key,
                     data={"tender": tender.code, "envelope": envelope,
                           "fingerprint": tender_key.fingerprint, "threshold": threshold,
                           "members": [m.get_username() for m in members]})
        created.append(tender_key)
    return created


def tender_keys_on_publish(tender: Tender, actor: User) -> None:
    """The publication callback (lpse.tenders.hooks)."""
    tender_keys_create(tender, actor)


def share_context(tender_key: TenderKey, member: User) -> bytes:
    return f"tender-key:{tender_key.pk}|member:{member.pk}".encode()
