"""Every change to accounts, agencies, roles, sessions, two-factor devices and API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lpse.accounts.models import Agency, ApiToken, RoleAssignment, User, UserSession, WorkUnit
from lpse.accounts.roles import (
    AGENCY_ROLES,
    LPSE_ROLES,
    OFFICIAL_ROLES,
    Perm,
    Role,
    grantable_roles,
    has_perm,
)
from lpse.accounts.validators import normalise_nip
from lpse.audit.services import audit_record
from lpse.core import request_context
from lpse.core.mail import send_mail_on_commit

# --- Agencies ------------------------------------------------------------------------------


def _require(actor: User, perm: Perm) -> None:
    if not has_perm(actor, perm):
        raise PermissionDenied(perm.value)


@transaction.atomic
def agency_create(
    *, actor: User, code: str, name: str, kind: str = Agency.Kind.OFFICE, address: str = "",
    phone: str = "", email: str = "",
) -> Agency:
    _require(actor, Perm.MANAGE_AGENCIES)
    agency = Agency(code=code.strip().upper(), name=name.strip(), kind=kind, address=address,
                    phone=phone, email=email)
    agency.full_clean()
    agency.save()
    audit_record(action="agency.created", actor=actor, target=agency,
                 data={"code": agency.code, "name": agency.name})
    return agency


@transaction.atomic
def agency_update(*, actor: User, agency: Agency, **fields: object) -> Agency:
    _require(actor, Perm.MANAGE_AGENCIES)
    allowed = {"name", "kind", "address", "phone", "email", "is_active"}
    changes = {k: v for k, v in fields.items() if k in allowed and getattr(agency, k) != v}
    for key, value in changes.items():
        setattr(agency, key, value)
    agency.full_clean()
    agency.save(update_fields=[*changes, "updated_at"])
    audit_record(action="agency.updated", actor=actor, target=agency, data=changes)
    return agency


@transaction.atomic
def work_unit_create(*, actor: User, agency: Agency, code: str, name: str) -> WorkUnit:
    if not (has_perm(actor, Perm.MANAGE_AGENCIES) or (
        has_perm(actor, Perm.MANAGE_AGENCY_OFFICIALS) and actor.agency_id == agency.pk
    )):
        raise PermissionDenied(Perm.MANAGE_AGENCIES.value)
    unit = WorkUnit(agency=agency, code=code.strip().upper(), name=name.strip())
    unit.full_clean()
    unit.save()
    audit_record(action="work_unit.created", actor=actor, target=unit,
                 data={"agency": agency.code, "code": unit.code, "name": unit.name})
    return unit


# --- Officials -----------------------------------------------------------------------------


def _check_roles_grantable(actor: User, roles: Iterable[Role], agency: Agency | None) -> None:
    roles = set(roles)
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    if Role.VENDOR in roles:
        raise ValidationError({"roles": _("Vendor accounts are created by registration.")})
    allowed = grantable_roles(actor)
    refused = roles - allowed
    if refused:
        raise PermissionDenied(", ".join(sorted(refused)))
    if roles & AGENCY_ROLES and agency is None:
        raise ValidationError({"agency": _("Agency officials must belong to an agency.")})
    if roles & AGENCY_ROLES and roles & (LPSE_ROLES | {Role.AUDITOR}):
        raise ValidationError(
            {"roles": _("Agency roles cannot be combined with LPSE or LKPP roles.")}
        )
    if Role.AGENCY_ADMIN not in allowed and agency is not None and actor.agency_id != agency.pk:
        raise PermissionDenied(_("You can only manage officials of your own agency."))


@transaction.atomic
def official_create(
    *,
    actor: User,
    username: str,
    email: str,
    full_name: str,
    roles: Iterable[Role],
    nip: str = "",
    position: str = "",
    phone: str = "",
    agency: Agency | None = None,
    work_unit: WorkUnit | None = None,
    language: str = "id",
) -> User:
    """Create an official account and e-mail a single-use link to set the password.

    The system administrator creates LPSE officers, LKPP auditors and agency administrators;
    an agency administrator creates PPK, committee members, procurement officers and budget
    owners of its own agency only.
    """
    roles = {Role(r) for r in roles}
    if has_perm(actor, Perm.MANAGE_AGENCY_OFFICIALS) and not has_perm(
        actor, Perm.MANAGE_LPSE_OFFICERS
    ):
        agency = actor.agency
    if not roles & AGENCY_ROLES:
        agency, work_unit = None, None
    _check_roles_grantable(actor, roles, agency)
    if work_unit is not None and (agency is None or work_unit.agency_id != agency.pk):
        raise ValidationError({"work_unit": _("The work unit must belong to the agency.")})
    user = User(
        username=username.strip(),
        email=email.strip().lower(),
        full_name=full_name.strip(),
        nip=normalise_nip(nip),
        position=position.strip(),
        phone=phone.strip(),
        agency=agency,
        work_unit=work_unit,
        preferred_language=language,
        created_by=actor,
    )
    user.set_unusable_password()
    _validate_user(user)
    user.save()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=role, granted_by=actor) for role in sorted(roles)]
    )
    audit_record(
        action="user.created", actor=actor, target=user,
        data={"roles": sorted(roles), "agency": agency.code if agency else None,
              "nip": user.nip, "email": user.email},
    )
    password_link_send(user=user, purpose="invite", actor=actor)
    return user


def _validate_user(user: User) -> None:
    errors: dict[str, list[str]] = {}
    try:
        # Uniqueness is checked below, with messages that say what to do.
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    same_name = User.objects.filter(username__iexact=user.username).exclude(pk=user.pk)
    if same_name.exists():
        errors.setdefault("username", []).append(_("This user ID is already taken."))
    same_email = User.objects.filter(email__iexact=user.email).exclude(pk=user.pk)
    if same_email.exists():
        errors.setdefault("email", []).append(_("This e-mail address already has an account."))
    if user.nip and User.objects.filter(nip=user.nip).exclude(pk=user.pk).exists():
        errors.setdefault("nip", []).append(_("This NIP already has an account."))
    if errors:
        raise ValidationError(errors)


def access_user_for_management(*, actor: User, user: User) -> User:
    """The user if `actor` may manage them; otherwise PermissionDenied."""
    from lpse.accounts.selectors import users_manageable_by

    if not users_manageable_by(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You cannot manage this account."))
    return user


@transaction.atomic
def official_update(
    *, actor: User, user: User, full_name: str, email: str, nip: str, position: str,
    phone: str, work_unit: WorkUnit | None,
) -> User:
    access_user_for_management(actor=actor, user=user)
    before = {"full_name": user.full_name, "email": user.email, "nip": user.nip,
              "position": user.position, "phone": user.phone, "work_unit": user.work_unit_id}
    user.full_name, user.email, user.nip = full_name.strip(), email.strip().lower(), \
        normalise_nip(nip)
    user.position, user.phone, user.work_unit = position.strip(), phone.strip(), work_unit
    if work_unit is not None and work_unit.agency_id != user.agency_id:
        raise ValidationError({"work_unit": _("The work unit must belong to the agency.")})
    _validate_user(user)
    user.save()
    after = {"full_name": user.full_name, "email": user.email, "nip": user.nip,
             "position": user.position, "phone": user.phone, "work_unit": user.work_unit_id}
    changed = {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}
    audit_record(action="user.updated", actor=actor, target=user, data=changed)
    return user


@transaction.atomic
def user_roles_set(*, actor: User, user: User, roles: Iterable[Role]) -> User:
    """Replace the roles `actor` is allowed to grant; other roles of the user are kept."""
    access_user_for_management(actor=actor, user=user)
    wanted = {Role(r) for r in roles}
    allowed = grantable_roles(actor)
    current = set(user.role_set)
    kept = current - allowed
    _check_roles_grantable(actor, wanted, user.agency)
    final = kept | wanted
    added, removed = final - current, current - final
    RoleAssignment.objects.filter(user=user, role__in=removed).delete()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=role, granted_by=actor) for role in sorted(added)]
    )
    user.__dict__.pop("role_set", None)
    audit_record(action="user.roles_changed", actor=actor, target=user,
                 data={"added": sorted(added), "removed": sorted(removed)})
    return user


@transaction.atomic
def user_disable(*, actor: User, user: User, reason: str) -> User:
    """Disable an account: it cannot log in, and every session and API token ends now."""
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot disable your own account."))
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    access_user_for_management(actor=actor, user=user)
    return user_deactivate(actor=actor, user=user, reason=reason)


def user_deactivate(*, actor: User | None, user: User, reason: str) -> User:
    """The mechanics of disabling (also used by vendor deactivation): no access checks."""
    user.is_active = False
    user.disabled_reason = reason.strip()[:300]
    user.save(update_fields=["is_active", "disabled_reason"])
    ended = sessions_end_all(user=user)
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(action="user.disabled", actor=actor, target=user,
                 data={"reason": user.disabled_reason, "sessions_ended": ended})
    return user


@transaction.atomic
def user_enable(*, actor: User, user: User) -> User:
    access_user_for_management(actor=actor, user=user)
    return user_reactivate(actor=actor, user=user)


def user_reactivate(*, actor: User | None, user: User) -> User:
    user.is_active = True
    user.disabled_reason = ""
    user.save(update_fields=["is_active", "disabled_reason"])
    audit_record(action="user.enabled", actor=actor, target=user)
    return user


@transaction.atomic
def profile_update(*, user: User, phone: str, preferred_language: str) -> User:
    """What users change about themselves: contact phone and interface language."""
    user.phone, user.preferred_language = phone.strip(), preferred_language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["phone", "preferred_language"])
    audit_record(action="user.profile_updated", actor=user, target=user,
                 data={"phone": user.phone, "language": preferred_language})
    return user


# --- Sessions ------------------------------------------------------------------------------


def session_register(*, user: User, request: HttpRequest) -> UserSession | None:
    session = request.session
    if session.session_key is None:
        session.save()
    key = session.session_key
    if key is None:
        return None
    session["login_at"] = session["last_activity"] = timezone.now().timestamp()
    info = request_context.current()
    record, _created = UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip_address": info.ip if info else None,
            "user_agent": info.user_agent if info else "",
        },
    )
    return record


def sessions_end_all(*, user: User) -> int:
    """End every session of `user` in the session store (database or cache)."""
    engine = import_module(settings.SESSION_ENGINE)
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        engine.SessionStore(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


# --- Passwords -----------------------------------------------------------------------------


def password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accounts:password_set", args=[uid, token])


def password_link_send(*, user: User, purpose: str, actor: User | None = None) -> None:
    """E-mail a single-use link to set a password ("invite", "reset" or "activation")."""
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    send_mail_on_commit(
        to=[user.email],
        template=f"accounts/email/password_{purpose}",
        context={"user": user, "link": password_link(user), "days": days},
        language=user.preferred_language,
    )
    audit_record(action=f"user.password_link_sent.{purpose}", actor=actor, target=user)


@transaction.atomic
def password_set(*, user: User, password: str, via: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(action="user.password_set", actor=user, target=user, data={"via": via})
    return user


# --- Two-factor authentication -------------------------------------------------------------


@transaction.atomic
def totp_device_begin(*, user: User) -> TOTPDevice:
    """Start enrolment: a fresh unconfirmed authenticator for `user`."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm enrolment with a first code; returns new backup codes (shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    if not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError({"token": _("The code is not correct. Try the newest code.")})
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _backup_codes_replace(user)
    audit_record(action="auth.2fa_enrolled", actor=user, target=user)
    return codes


def _backup_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
    codes = [
        f"{secrets.randbelow(10**4):04d}-{secrets.randbelow(10**4):04d}"
        for _ in range(settings.OTP_BACKUP_CODES)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    codes = _backup_codes_replace(user)
    audit_record(action="auth.2fa_backup_codes_regenerated", actor=user, target=user)
    return codes


def two_factor_verify(*, user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts `token` (authenticator code or backup code), or None."""
    token = token.strip().replace(" ", "")
    device: TOTPDevice | StaticDevice | None = None
    for totp in TOTPDevice.objects.filter(user=user, confirmed=True):
        if token.isdigit() and totp.verify_token(token):
            device = totp
            break
    if device is None:
        for static in StaticDevice.objects.filter(user=user, confirmed=True):
            if static.verify_token(token):
                device = static
                break
    with transaction.atomic():
        if device is None:
            audit_record(action="auth.2fa_failed", actor=user, target=user)
        else:
            audit_record(action="auth.2fa_verified", actor=user, target=user,
                         data={"method": "backup_code" if isinstance(device, StaticDevice)
                               else "totp"})
    return device


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def two_factor_reset(*, actor: User, user: User, reason: str) -> None:
    """Remove a user's authenticator and backup codes (lost phone); they enrol again."""
    _require(actor, Perm.RESET_TWO_FACTOR)
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions_end_all(user=user)
    audit_record(action="auth.2fa_reset", actor=actor, target=user, data={"reason": reason})


# --- API tokens ----------------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a personal API token; the returned key is shown once and never stored."""
    _require(user, Perm.USE_API_TOKENS)
    if not name.strip():
        raise ValidationError({"name": _("Give the token a name.")})
    key = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], key_hash=ApiToken.hash_key(key),
        hint=key[: len(ApiToken.PREFIX) + 4], expires_at=expires_at,
    )
    audit_record(action="api_token.created", actor=user, target=token,
                 data={"expires_at": expires_at})
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise PermissionDenied
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(action="api_token.revoked", actor=user, target=token)
    return token


# --- First administrator -------------------------------------------------------------------


@transaction.atomic
def bootstrap_admin_create(*, username: str, email: str, password: str, full_name: str) -> User:
    """Create the first system administrator (make run / deployment); refuses a second."""
    if RoleAssignment.objects.filter(role=Role.SYSADMIN).exists():
        raise ValidationError(_("A system administrator already exists."))
    user = User(username=username, email=email.lower(), full_name=full_name)
    user.set_password(password)
    _validate_user(user)
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.SYSADMIN)
    audit_record(action="user.bootstrap_admin_created", actor=None, target=user)
    return user


def official_roles_of(user: User) -> list[Role]:
    return sorted(user.role_set & OFFICIAL_ROLES)
