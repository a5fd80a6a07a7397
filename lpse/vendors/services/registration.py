"""Online registration (regulation Lampiran I 1.2 steps 1–7) and its expiry."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.accounts.models import RoleAssignment, User
from lpse.accounts.roles import Role
from lpse.audit.services import audit_record
from lpse.core.calendar import localdate_wib
from lpse.core.files import SCAN_POLICY, FileRejected, store_file
from lpse.core.mail import send_mail_on_commit
from lpse.core.models import LetterSequence
from lpse.vendors.conf import verification_deadline, verification_hours, verification_place
from lpse.vendors.documents import documents_to_bring, registration_form_issue
from lpse.vendors.models import (
    BusinessLicence,
    Deed,
    ProcedureStep,
    RegistrationLink,
    Vendor,
    VendorDocument,
)
from lpse.vendors.procedures import REGISTRATION, step_finish, step_record
from lpse.vendors.services.common import (
    SCAN_PURPOSE,
    expired_licence_message,
    files_removed_on_error,
)
from lpse.vendors.validators import (
    digits_only,
    normalise_npwp,
    validate_nib,
    validate_nik,
    validate_npwp,
    validate_user_id,
)

LINK_SALT = "lpse.vendors.registration-link"
PAGE_SALT = "lpse.vendors.registration-page"
RELEASED_EMAIL_DOMAIN = "released.invalid"


class RateLimited(Exception):
    """Too many registration-link requests from one client address."""


class RegistrationLinkInvalid(Exception):
    """The registration link cannot be used: `reason` is invalid, expired or used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- Step 1–2: the e-mailed link -------------------------------------------------------------


def _within_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one request under `key`; False once more than `limit` fell in the window."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def page_stamp() -> str:
    """A signed timestamp put in the e-mail form: when the vendor opened the page (step 1)."""
    return signing.dumps(timezone.now().timestamp(), salt=PAGE_SALT)


def _page_opened_at(stamp: str, now: datetime) -> datetime:
    try:
        value = float(signing.loads(stamp, salt=PAGE_SALT, max_age=86400))
    except (signing.BadSignature, TypeError, ValueError):
        return now
    opened = datetime.fromtimestamp(value, tz=now.tzinfo)
    return min(opened, now)


def registration_token(link: RegistrationLink) -> str:
    """The signed token of the e-mailed link: it names the link's nonce, nothing else."""
    return signing.dumps({"n": link.nonce}, salt=LINK_SALT)


def registration_link_url(link: RegistrationLink) -> str:
    return settings.SITE_URL + reverse("vendors:register_form", args=[registration_token(link)])


def registration_link_request(
    *, email: str, ip: str | None, language: str, page_stamp_value: str = ""
) -> None:
    """E-mail a registration link to a company address (steps 1–3).

    The answer to the requester is the same whatever happens here (no account
    enumeration): an address that already has an account gets a notice instead of a
    link, and requests over the per-address limit are dropped silently. Requests over
    the per-IP limit raise RateLimited.
    """
    email = email.strip().lower()
    window = settings.VENDOR_REGISTRATION_LIMIT_WINDOW_MINUTES * 60
    if ip and not _within_limit(f"vendors:reglink:ip:{ip}",
                                settings.VENDOR_REGISTRATION_LIMIT_PER_IP, window):
        raise RateLimited
    address_key = hashlib.sha256(email.encode()).hexdigest()
    if not _within_limit(f"vendors:reglink:addr:{address_key}",
                         settings.VENDOR_REGISTRATION_LIMIT_PER_ADDRESS, window):
        return
    now = timezone.now()
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            send_mail_on_commit(
                to=[email], template="vendors/email/registration_exists",
                context={"account": existing, "reset_url": settings.SITE_URL
                         + reverse("accounts:password_reset"),
                         "vendor": getattr(existing, "vendor", None)},
                language=existing.preferred_language,
            )
            audit_record(action="vendor.registration_link_refused", actor=None,
                         object_type="vendors.registrationlink", object_repr=email,
                         data={"email": email, "reason": "address_has_account"}, ip_address=ip)
            return
        link = RegistrationLink.objects.create(
            email=email, nonce=secrets.token_urlsafe(32), requested_ip=ip, language=language,
            expires_at=now + timedelta(hours=settings.VENDOR_REGISTRATION_LINK_HOURS),
        )
        send_mail_on_commit(
            to=[email], template="vendors/email/registration_link",
            context={"link": registration_link_url(link),
                     "hours": settings.VENDOR_REGISTRATION_LINK_HOURS,
                     "expires_at": link.expires_at},
            language=language,
        )
        opened_at = _page_opened_at(page_stamp_value, now) if page_stamp_value else now
        for step, started in ((1, opened_at), (2, now)):
            step_record(procedure=REGISTRATION, step=step, actor=None, actor_role="vendor",
                        started_at=started, finished_at=now, registration_link=link)
        step_record(procedure=REGISTRATION, step=3, actor=None, actor_role="vendor",
                    started_at=now, registration_link=link)
        audit_record(action="vendor.registration_link_sent", actor=None, target=link,
                     data={"email": email, "expires_at": link.expires_at.isoformat()},
                     ip_address=ip)


def registration_link_check(token: str) -> RegistrationLink:
    """The link a token stands for, if it can still be used; else RegistrationLinkInvalid."""
    try:
        payload = signing.loads(token, salt=LINK_SALT,
                                max_age=settings.VENDOR_REGISTRATION_LINK_HOURS * 3600)
    except signing.SignatureExpired:
        raise RegistrationLinkInvalid("expired") from None
    except signing.BadSignature:
        raise RegistrationLinkInvalid("invalid") from None
    nonce = payload.get("n") if isinstance(payload, dict) else None
    link = RegistrationLink.objects.filter(nonce=nonce).first() if nonce else None
    if link is None:
        raise RegistrationLinkInvalid("invalid")
    if link.used_at is not None:
        raise RegistrationLinkInvalid("used")
    if link.expires_at <= timezone.now():
        raise RegistrationLinkInvalid("expired")
    return link


@transaction.atomic
def registration_link_open(*, link: RegistrationLink) -> RegistrationLink:
    """The vendor opened the link: step 3 ends and step 4 (filling in the form) begins."""
    now = timezone.now()
    if RegistrationLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=now):
        link.opened_at = now
        for step in ProcedureStep.objects.filter(registration_link=link, procedure=REGISTRATION,
                                                 step=3, finished_at__isnull=True):
            step_finish(step, finished_at=now)
        step_record(procedure=REGISTRATION, step=4, actor=None, actor_role="vendor",
                    started_at=now, registration_link=link)
    return link


# --- Step 4–6: the registration form ---------------------------------------------------------


@dataclass(frozen=True)
class DeedData:
    number: str
    date: date
    notary: str


@dataclass(frozen=True)
class LicenceData:
    kind: str
    number: str
    issued_by: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    business_field_ids: Sequence[int] = ()


@dataclass(frozen=True)
class RegistrationData:
    business_form: str
    name: str
    npwp: str
    nib: str
    address: str
    province: str
    regency: str
    phone: str
    director_name: str
    director_nik: str
    user_id: str
    #: None only for an individual (Perorangan) without a deed of establishment.
    establishment: DeedData | None
    licences: Sequence[LicenceData]
    postal_code: str = ""
    director_position: str = "Direktur"
    amendment: DeedData | None = None
    scans: Mapping[str, IO[Any]] = field(default_factory=dict)


def _scan_names(scans: Mapping[str, IO[Any]]) -> dict[str, str]:
    return {kind: getattr(upload, "name", kind) for kind, upload in scans.items()}


def validate_registration(data: RegistrationData) -> None:
    """Every rule of the form, in one pass: errors by field, nothing saved."""
    errors: dict[str, list[str]] = {}

    def check(name: str, validator: Any, value: str) -> None:
        try:
            validator(value)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)

    check("npwp", validate_npwp, data.npwp)
    check("director_nik", validate_nik, data.director_nik)
    if data.nib or data.business_form != Vendor.BusinessForm.PERORANGAN:
        check("nib", validate_nib, data.nib)
    user_id = data.user_id.strip().lower()
    check("user_id", validate_user_id, user_id)
    if "user_id" not in errors and User.objects.filter(username__iexact=user_id).exists():
        errors.setdefault("user_id", []).append(
            _("This user ID is already taken: choose another one."))
    if "npwp" not in errors and Vendor.objects.filter(
        npwp=normalise_npwp(data.npwp)
    ).exclude(status__in=Vendor.CLOSED_STATUSES).exists():
        errors.setdefault("npwp", []).append(_(
            "This NPWP already has an account. If you lost access to it, contact the LPSE "
            "helpdesk instead of registering again."))
    today = localdate_wib()
    for name, deed in (("establishment_date", data.establishment),
                       ("amendment_date", data.amendment)):
        if deed is not None and deed.date > today:
            errors.setdefault(name, []).append(_("The deed date cannot be in the future."))
    if data.establishment is None and data.business_form != Vendor.BusinessForm.PERORANGAN:
        errors.setdefault("establishment_number", []).append(
            _("The deed of establishment is required for this form of business."))
    if (data.amendment is not None and data.establishment is not None
            and data.amendment.date < data.establishment.date):
        errors.setdefault("amendment_date", []).append(
            _("The amendment cannot be older than the deed of establishment."))
    if not data.licences:
        errors.setdefault("__all__", []).append(_("Enter at least one business licence."))
    for licence in data.licences:
        if licence.valid_until and licence.valid_from and licence.valid_until < licence.valid_from:
            errors.setdefault("licences", []).append(
                _("Licence %(number)s: the end of validity is before its start.")
                % {"number": licence.number})
        elif licence.valid_until and licence.valid_until < today:
            errors.setdefault("licences", []).append(
                _("Licence %(number)s: %(problem)s") % {
                    "number": licence.number,
                    "problem": expired_licence_message(licence.valid_until)})
    if errors:
        raise ValidationError(errors)


def _registration_number_next(now: datetime) -> str:
    year = localdate_wib(now).year
    LetterSequence.objects.get_or_create(letter_type="vendors.registration_number", year=year)
    sequence = LetterSequence.objects.select_for_update().get(
        letter_type="vendors.registration_number", year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"REG-{year}-{sequence.last_number:05d}"


def _duplicate_errors(user_id: str, npwp: str, email: str) -> ValidationError:
    """After a unique-constraint failure (a concurrent registration won): say which."""
    errors: dict[str, list[str]] = {}
    if User.objects.filter(username__iexact=user_id).exists():
        errors["user_id"] = [_("This user ID is already taken: choose another one.")]
    if Vendor.objects.filter(npwp=npwp).exclude(status__in=Vendor.CLOSED_STATUSES).exists():
        errors["npwp"] = [_("This NPWP already has an account. If you lost access to it, "
                            "contact the LPSE helpdesk instead of registering again.")]
    if User.objects.filter(email__iexact=email).exists():
        errors["__all__"] = [_("This e-mail address already has an account.")]
    return ValidationError(errors or {"__all__": [_("The registration could not be saved: "
                                                    "please try again.")]})


def vendor_register(*, token: str, data: RegistrationData, language: str) -> Vendor:
    """Create the vendor and its (not yet usable) account from the online form (steps 4–6).

    The link is consumed in the same transaction, so a link registers one vendor only;
    the account stays inactive without a password until a verifier approves it.
    """
    link = registration_link_check(token)
    validate_registration(data)
    user_id = data.user_id.strip().lower()
    npwp = normalise_npwp(data.npwp)
    try:
        with files_removed_on_error() as stored, transaction.atomic():
            now = timezone.now()
            claimed = RegistrationLink.objects.filter(
                pk=link.pk, used_at__isnull=True).update(used_at=now)
            if not claimed:
                raise RegistrationLinkInvalid("used")
            user = User(username=user_id, email=link.email, full_name=data.director_name.strip(),
                        phone=data.phone.strip(), preferred_language=language, is_active=False)
            user.set_unusable_password()
            user.full_clean(exclude=["password", "username"], validate_unique=False,
                            validate_constraints=False)
            user.save()
            RoleAssignment.objects.create(user=user, role=Role.VENDOR)
            vendor = Vendor(
                account=user, business_form=data.business_form, name=data.name.strip(),
                npwp=npwp, email=link.email, status=Vendor.Status.PENDING,
                registration_number=_registration_number_next(now),
                registered_user_id=user_id, nib=digits_only(data.nib),
                address=data.address.strip(), province=data.province,
                regency=data.regency.strip(), postal_code=data.postal_code.strip(),
                phone=data.phone.strip(), director_name=data.director_name.strip(),
                director_position=data.director_position.strip() or "Direktur",
                director_nik=digits_only(data.director_nik),
                verification_deadline=verification_deadline(now),
            )
            vendor.full_clean(validate_constraints=False)
            vendor.save()
            _deeds_and_licences_create(vendor, data)
            for kind, upload in data.scans.items():
                try:
                    scan = stored.add(store_file(
                        source=upload, original_name=getattr(upload, "name", kind),
                        purpose=SCAN_PURPOSE, policy=SCAN_POLICY, personal_data=True))
                except FileRejected as exc:
                    raise ValidationError({f"scan_{kind}": exc.messages}) from None
                VendorDocument.objects.create(vendor=vendor, kind=kind, file=scan)
            RegistrationLink.objects.filter(pk=link.pk).update(vendor=vendor)
            _registration_steps(link, vendor, now)
            form = registration_form_issue(vendor)
            stored.add(form.file)
            opening, closing = verification_hours()
            send_mail_on_commit(
                to=[vendor.email], template="vendors/email/registered",
                context={"vendor": vendor, "user_id": user_id,
                         "deadline": vendor.verification_deadline,
                         "place": verification_place(),
                         "hours": f"{opening:%H:%M}–{closing:%H:%M}",
                         "documents": documents_to_bring(vendor)},
                language=language,
                attachments=[(form.file.original_name, _read(form.file), "application/pdf")],
            )
            audit_record(
                action="vendor.registered", actor=None, target=vendor,
                data={"registration_number": vendor.registration_number, "user_id": user_id,
                      "npwp": npwp, "email": vendor.email,
                      "deadline": vendor.verification_deadline.isoformat()
                      if vendor.verification_deadline else None,
                      "scans": sorted(_scan_names(data.scans))},
            )
    except IntegrityError:
        raise _duplicate_errors(user_id, npwp, link.email) from None
    return vendor


def _read(stored: Any) -> bytes:
    from lpse.core.files import open_stored

    with open_stored(stored) as handle:
        return handle.read()


def _deeds_and_licences_create(vendor: Vendor, data: RegistrationData) -> None:
    for kind, deed in ((Deed.Kind.ESTABLISHMENT, data.establishment),
                       (Deed.Kind.AMENDMENT, data.amendment)):
        if deed is not None:
            row = Deed(vendor=vendor, kind=kind, number=deed.number.strip(), date=deed.date,
                       notary=deed.notary.strip())
            row.full_clean(validate_constraints=False)
            row.save()
    for item in data.licences:
        licence = BusinessLicence(
            vendor=vendor, kind=item.kind, number=item.number.strip(),
            issued_by=item.issued_by.strip(), valid_from=item.valid_from,
            valid_until=item.valid_until,
        )
        licence.full_clean(validate_constraints=False)
        licence.save()
        if item.business_field_ids:
            licence.business_fields.set(item.business_field_ids)


def _registration_steps(link: RegistrationLink, vendor: Vendor, now: datetime) -> None:
    ProcedureStep.objects.filter(registration_link=link).update(vendor=vendor)
    open_steps = ProcedureStep.objects.filter(registration_link=link, procedure=REGISTRATION,
                                              step__in=[3, 4], finished_at__isnull=True)
    for open_step in open_steps:
        step_finish(open_step, finished_at=now)
    if not ProcedureStep.objects.filter(registration_link=link, step=4).exists():
        step_record(procedure=REGISTRATION, step=4, actor=None, actor_role="vendor",
                    started_at=link.opened_at or now, finished_at=now,
                    registration_link=link, vendor=vendor)
    for step in (5, 6):
        step_record(procedure=REGISTRATION, step=step, actor=None,
                    actor_role="vendor" if step == 5 else "system", started_at=now,
                    finished_at=now, registration_link=link, vendor=vendor)
    step_record(procedure=REGISTRATION, step=7, actor=None, actor_role="vendor",
                started_at=now, deadline=vendor.verification_deadline, vendor=vendor)


# --- Releasing identifiers; expiry (periodic job) -------------------------------------------


def release_identifiers(vendor: Vendor) -> None:
    """Free the user ID and e-mail of a registration that ended without verification, so
    the company can register again (the originals stay on the vendor record)."""
    user = vendor.account
    user.username = f"~{vendor.pk}.{vendor.registered_user_id}"[:150]
    user.email = f"vendor-{vendor.pk}@{RELEASED_EMAIL_DOMAIN}"
    user.is_active = False
    user.save(update_fields=["username", "email", "is_active"])


def registrations_expire(*, now: datetime | None = None) -> int:
    """Expire registrations not verified by their deadline; tell the vendor. A vendor at
    the desk right now (an open verification session) is left to the verifier."""
    now = now or timezone.now()
    expired = 0
    candidates = Vendor.objects.filter(status=Vendor.Status.PENDING,
                                       verification_deadline__lt=now).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            vendor = Vendor.objects.select_for_update().select_related("account").get(pk=pk)
            if (vendor.status != Vendor.Status.PENDING or vendor.verification_deadline is None
                    or vendor.verification_deadline >= now
                    or vendor.verification_sessions.filter(finished_at__isnull=True).exists()):
                continue
            language = vendor.account.preferred_language
            vendor.status = Vendor.Status.EXPIRED
            vendor.expired_at = now
            vendor.save(update_fields=["status", "expired_at", "updated_at"])
            release_identifiers(vendor)
            for step in ProcedureStep.objects.filter(vendor=vendor, procedure=REGISTRATION,
                                                     step=7, finished_at__isnull=True):
                step_finish(step, finished_at=now, outcome="expired")
            send_mail_on_commit(
                to=[vendor.email], template="vendors/email/registration_expired",
                context={"vendor": vendor, "register_url": settings.SITE_URL
                         + reverse("vendors:register")},
                language=language,
            )
            audit_record(action="vendor.registration_expired", actor=None, target=vendor,
                         data={"deadline": vendor.verification_deadline.isoformat()})
            expired += 1
    return expired
