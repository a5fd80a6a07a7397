"""The verification desk (regulation Lampiran I 1.2 steps 8–9): service session, checklist,
corrections, outcome, verification record, activation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lpse.accounts.roles import Perm
from lpse.accounts.services import password_link_send
from lpse.audit.services import audit_record
from lpse.core.calendar import localdate_wib
from lpse.core.files import open_stored
from lpse.core.mail import send_mail_on_commit
from lpse.vendors.documents import verification_record_issue
from lpse.vendors.models import (
    BusinessLicence,
    Deed,
    ProcedureStep,
    Vendor,
    VendorDataChange,
    VerificationCheck,
    VerificationSession,
)
from lpse.vendors.procedures import REGISTRATION, step_finish, step_record
from lpse.vendors.selectors import blacklist_hits
from lpse.vendors.services.common import lock, require
from lpse.vendors.services.registration import release_identifiers
from lpse.vendors.validators import (
    digits_only,
    normalise_npwp,
    validate_nib,
    validate_nik,
    validate_npwp,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from lpse.accounts.models import User


# --- What the desk checks --------------------------------------------------------------------


def checklist_items(vendor: Vendor, kind: str = VerificationSession.Kind.REGISTRATION
                    ) -> list[tuple[str, str]]:
    """(item key, label) of every document the verifier must see in original. At a
    registration also the printed and signed registration form the vendor was told to
    bring (the registration e-mail and PDF, `documents_to_bring`). A licence whose validity
    has ended is flagged in its label."""
    today = localdate_wib()
    items = [("ktp", _("Director's identity card (KTP): %(name)s")
              % {"name": vendor.director_name})]
    for deed in vendor.deeds.all():
        items.append((f"deed_{deed.kind}", _("%(deed)s No. %(number)s of %(date)s, notary "
                                             "%(notary)s") % {
            "deed": deed.get_kind_display(), "number": deed.number,
            "date": deed.date.strftime("%d-%m-%Y"), "notary": deed.notary}))
    items.append(("npwp", _("NPWP %(npwp)s") % {"npwp": vendor.npwp_display}))
    for licence in vendor.licences.all():
        label = _("%(kind)s No. %(number)s") % {"kind": licence.get_kind_display(),
                                                 "number": licence.number}
        if licence.expired_on(today):
            assert licence.valid_until is not None
            label += " — " + _("EXPIRED on %(date)s") % {
                "date": licence.valid_until.strftime("%d-%m-%Y")}
        items.append((f"licence_{licence.pk}", label))
    if kind == VerificationSession.Kind.REGISTRATION:
        items.append(("registration_form", _("The printed and signed registration form")))
    return items


def verification_open(*, vendor: Vendor, actor: User) -> VerificationSession:
    """Open the vendor's file at the desk: the service timer starts (steps 8–9). Opening
    a file that is already open returns that session."""
    require(actor, Perm.VERIFY_VENDORS)
    with transaction.atomic():
        vendor = lock(vendor)
        current = vendor.verification_sessions.filter(finished_at__isnull=True).first()
        if current is not None:
            return current
        if vendor.status == Vendor.Status.PENDING:
            kind = VerificationSession.Kind.REGISTRATION
            assert vendor.verification_deadline is not None
            if vendor.verification_deadline < timezone.now():
                raise ValidationError(_(
                    "The registration expired on %(deadline)s: the vendor has to register "
                    "again.") % {"deadline": _wib(vendor.verification_deadline)})
        elif vendor.status == Vendor.Status.NEEDS_REVERIFICATION:
            kind = VerificationSession.Kind.REVERIFICATION
        else:
            raise ValidationError(_("Only registrations waiting for verification and "
                                    "vendors whose data changed can be verified."))
        now = timezone.now()
        try:
            with transaction.atomic():
                session = VerificationSession.objects.create(
                    vendor=vendor, kind=kind, opened_by=actor, started_at=now)
        except IntegrityError:  # another verifier opened it at the same moment
            return vendor.verification_sessions.get(finished_at__isnull=True)
        VerificationCheck.objects.bulk_create([
            VerificationCheck(session=session, item=key, label=label[:200], position=i)
            for i, (key, label) in enumerate(checklist_items(vendor, kind))
        ])
        step_record(procedure=REGISTRATION, step=8, actor=actor, actor_role="verifier",
                    started_at=now, finished_at=now, vendor=vendor, session=session)
        step_record(procedure=REGISTRATION, step=9, actor=actor, actor_role="verifier",
                    started_at=now, vendor=vendor, session=session)
        audit_record(action="vendor.verification_opened", actor=actor, target=vendor,
                     data={"session": session.pk, "kind": kind})
        return session


def _wib(moment: Any) -> str:
    from lpse.core.calendar import to_wib

    return to_wib(moment).strftime("%d-%m-%Y %H:%M WIB")


# --- Corrections by the verifier --------------------------------------------------------------


@dataclass(frozen=True)
class CorrectableField:
    label: str | _StrPromise
    legal: bool = True
    personal: bool = False
    validate: Callable[[str], None] | None = None
    normalise: Callable[[str], str] = str.strip


VENDOR_FIELDS: dict[str, CorrectableField] = {
    "name": CorrectableField(gettext_lazy("Company name")),
    "npwp": CorrectableField(gettext_lazy("NPWP"), validate=validate_npwp,
                             normalise=normalise_npwp),
    "nib": CorrectableField(gettext_lazy("NIB"), validate=validate_nib, normalise=digits_only),
    "director_name": CorrectableField(gettext_lazy("Director's name")),
    "director_position": CorrectableField(gettext_lazy("Director's position")),
    "director_nik": CorrectableField(gettext_lazy("Director's NIK"), personal=True,
                                     validate=validate_nik, normalise=digits_only),
    "address": CorrectableField(gettext_lazy("Address"), legal=False),
    "regency": CorrectableField(gettext_lazy("Regency / city"), legal=False),
    "postal_code": CorrectableField(gettext_lazy("Postal code"), legal=False),
    "phone": CorrectableField(gettext_lazy("Phone"), legal=False),
}


def correctable_choices(vendor: Vendor) -> list[tuple[str, str]]:
    """Fields a verifier may correct at the desk: vendor data, deeds, licences."""
    choices = [(key, str(spec.label)) for key, spec in VENDOR_FIELDS.items()]
    for deed in vendor.deeds.all():
        for attr, label in (("number", _("number")), ("date", _("date (YYYY-MM-DD)")),
                            ("notary", _("notary"))):
            choices.append((f"deed.{deed.kind}.{attr}", f"{deed.get_kind_display()}: {label}"))
    for licence in vendor.licences.all():
        for attr, label in (("number", _("number")),
                            ("valid_until", _("valid until (YYYY-MM-DD)"))):
            choices.append((f"licence.{licence.pk}.{attr}",
                            f"{licence.get_kind_display()} {licence.number}: {label}"))
    return choices


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError({"value": _("Enter the date as YYYY-MM-DD.")}) from None


def _apply_correction(vendor: Vendor, field: str, value: str) -> tuple[str, str, str, bool, bool]:
    """Apply one correction; returns (label, old, new, legal, personal)."""
    if field in VENDOR_FIELDS:
        spec = VENDOR_FIELDS[field]
        new = spec.normalise(value)
        if spec.validate is not None:
            try:
                spec.validate(new)
            except ValidationError as exc:
                raise ValidationError({"value": exc.messages}) from None
        if not new and field not in {"postal_code", "nib"}:
            raise ValidationError({"value": _("Enter the corrected value.")})
        if field == "npwp" and Vendor.objects.filter(npwp=new).exclude(pk=vendor.pk).exclude(
                status__in=Vendor.CLOSED_STATUSES).exists():
            raise ValidationError({"value": _("This NPWP already has another account.")})
        old = getattr(vendor, field)
        setattr(vendor, field, new)
        vendor.save(update_fields=[field, "updated_at"])
        if field == "director_name":
            vendor.account.full_name = new
            vendor.account.save(update_fields=["full_name"])
        return str(spec.label), old, new, spec.legal, spec.personal
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "deed":
        deed = Deed.objects.filter(vendor=vendor, kind=parts[1]).first()
        if deed is None or parts[2] not in {"number", "date", "notary"}:
            raise ValidationError({"field": _("Choose a field to correct.")})
        old = str(getattr(deed, parts[2]))
        if parts[2] == "date":
            parsed = _parse_date(value)
            if parsed > localdate_wib():
                raise ValidationError({"value": _("The deed date cannot be in the future.")})
            deed.date = parsed
            new = parsed.isoformat()
        else:
            new = value.strip()
            if not new:
                raise ValidationError({"value": _("Enter the corrected value.")})
            setattr(deed, parts[2], new)
        deed.save(update_fields=[parts[2], "updated_at"])
        return f"{deed.get_kind_display()} ({parts[2]})", old, new, True, False
    if len(parts) == 3 and parts[0] == "licence" and parts[1].isdigit():
        licence = BusinessLicence.objects.filter(vendor=vendor, pk=int(parts[1])).first()
        if licence is None or parts[2] not in {"number", "valid_until"}:
            raise ValidationError({"field": _("Choose a field to correct.")})
        old = str(getattr(licence, parts[2]) or "")
        if parts[2] == "valid_until":
            parsed_until = _parse_date(value) if value.strip() else None
            if parsed_until and licence.valid_from and parsed_until < licence.valid_from:
                raise ValidationError({"value": _("The end of validity is before its start.")})
            licence.valid_until = parsed_until
            new = parsed_until.isoformat() if parsed_until else ""
        else:
            new = value.strip()
            if not new:
                raise ValidationError({"value": _("Enter the corrected value.")})
            licence.number = new
        licence.save(update_fields=[parts[2], "updated_at"])
        return f"{licence.get_kind_display()} ({parts[2]})", old, new, True, False
    raise ValidationError({"field": _("Choose a field to correct.")})


@transaction.atomic
def verification_correct(
    *, session: VerificationSession, actor: User, field: str, value: str, reason: str
) -> VendorDataChange:
    """Correct the vendor's data at the desk, with a reason (recorded and shown in the
    verification record)."""
    require(actor, Perm.VERIFY_VENDORS)
    session = VerificationSession.objects.select_for_update().get(pk=session.pk)
    if not session.is_open:
        raise ValidationError(_("This verification session is already finished."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    vendor = lock(session.vendor)
    label, old, new, legal, personal = _apply_correction(vendor, field, value)
    if old == new:
        raise ValidationError({"value": _("The new value is the same as the current one.")})
    change = VendorDataChange.objects.create(
        vendor=vendor, field=field, label=label[:150], old_value=old, new_value=new,
        personal_data=personal, legal=legal, reason=reason.strip()[:300],
        source=VendorDataChange.Source.VERIFIER, changed_by=actor, session=session,
    )
    audit_record(action="vendor.data_corrected", actor=actor, target=vendor,
                 data={"session": session.pk, "field": field,
                       "old": "(personal)" if personal else old,
                       "new": "(personal)" if personal else new, "reason": change.reason})
    return change


# --- Finishing the session --------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    original_seen: bool
    matches: bool
    note: str = ""


def verification_finish(
    *,
    session: VerificationSession,
    actor: User,
    checks: Mapping[str, CheckResult],
    outcome: str,
    reason: str = "",
) -> VerificationSession:
    """Finish the desk session with an outcome: the timer stops, the verification record
    is issued, the vendor is told. Approval activates the account and e-mails a
    single-use link to set the password; a listing on the blacklist blocks it."""
    require(actor, Perm.VERIFY_VENDORS)
    outcome = VerificationSession.Outcome(outcome)
    reason = reason.strip()
    with transaction.atomic():
        session = VerificationSession.objects.select_for_update().get(pk=session.pk)
        if not session.is_open:
            raise ValidationError(_("This verification session is already finished."))
        vendor = lock(session.vendor)
        rows = list(session.checks.all())
        for row in rows:
            result = checks.get(row.item, CheckResult(False, False))
            row.original_seen, row.matches = result.original_seen, result.matches
            row.note = result.note.strip()[:300]
        VerificationCheck.objects.bulk_update(rows, ["original_seen", "matches", "note"])
        _check_outcome(session, vendor, rows, outcome, reason)
        now = timezone.now()
        session.finished_at, session.finished_by = now, actor
        session.outcome, session.reason = outcome, reason
        session.save(update_fields=["finished_at", "finished_by", "outcome", "reason"])
        for step in ProcedureStep.objects.filter(session=session, step=9,
                                                 finished_at__isnull=True):
            step_finish(step, finished_at=now, outcome=outcome, actor=actor)
        _apply_outcome(session, vendor, actor, now)
        record = verification_record_issue(session, actor)
        session.record = record
        session.save(update_fields=["record"])
        with open_stored(record.file) as handle:
            pdf = handle.read()
        send_mail_on_commit(
            to=[vendor.email], template="vendors/email/verification_outcome",
            context={"vendor": vendor, "session": session,
                     "register_url": settings.SITE_URL + reverse("vendors:register")},
            language=vendor.account.preferred_language,
            attachments=[(record.file.original_name, pdf, "application/pdf")],
        )
        audit_record(
            action="vendor.verification_finished", actor=actor, target=vendor,
            data={"session": session.pk, "kind": session.kind, "outcome": outcome,
                  "reason": reason, "minutes": session.duration_minutes,
                  "record": record.number,
                  "checks": {r.item: [r.original_seen, r.matches] for r in rows}},
        )
    return session


def _check_outcome(session: VerificationSession, vendor: Vendor, rows: list[VerificationCheck],
                   outcome: str, reason: str) -> None:
    if outcome == VerificationSession.Outcome.APPROVED:
        missing = [row.label for row in rows if not row.complete]
        if missing:
            raise ValidationError(_(
                "Approval needs every document seen in original and matching the data. "
                "Not complete: %(items)s.") % {"items": "; ".join(missing)})
        hits = blacklist_hits(vendor)
        if hits:
            raise ValidationError(_(
                "The vendor is on the blacklist (%(ref)s) while the listing is in force: it "
                "cannot be approved.") % {"ref": "; ".join(h.source_reference for h in hits)})
        deadline = vendor.verification_deadline
        if (session.kind == VerificationSession.Kind.REGISTRATION and deadline is not None
                and session.started_at > deadline):
            raise ValidationError(_("The registration expired before the verification began."))
    elif not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")
                               if outcome == VerificationSession.Outcome.REJECTED
                               else _("Say which documents are missing or wrong.")})


def _apply_outcome(session: VerificationSession, vendor: Vendor, actor: User,
                   now: Any) -> None:
    account = vendor.account
    registration = session.kind == VerificationSession.Kind.REGISTRATION
    if session.outcome == VerificationSession.Outcome.APPROVED:
        vendor.status, vendor.verified_at, vendor.verified_by = Vendor.Status.ACTIVE, now, actor
        vendor.save(update_fields=["status", "verified_at", "verified_by", "updated_at"])
        VendorDataChange.objects.filter(vendor=vendor, legal=True, confirmed_in__isnull=True) \
            .update(confirmed_in=session)
        if registration:
            account.is_active = True
            account.save(update_fields=["is_active"])
            _finish_waiting_step(vendor, now, "approved")
            password_link_send(user=account, purpose="activation", actor=actor)
    elif session.outcome == VerificationSession.Outcome.REJECTED and registration:
        vendor.status, vendor.rejected_at = Vendor.Status.REJECTED, now
        vendor.rejection_reason = session.reason
        vendor.save(update_fields=["status", "rejected_at", "rejection_reason", "updated_at"])
        release_identifiers(vendor)
        _finish_waiting_step(vendor, now, "rejected")


def _finish_waiting_step(vendor: Vendor, now: Any, outcome: str) -> None:
    for step in ProcedureStep.objects.filter(vendor=vendor, procedure=REGISTRATION, step=7,
                                             finished_at__isnull=True):
        step_finish(step, finished_at=now, outcome=outcome)


@transaction.atomic
def activation_link_resend(*, vendor: Vendor, actor: User) -> None:
    """The verifier e-mails a new single-use link to set the password."""
    require(actor, Perm.VERIFY_VENDORS)
    if vendor.status not in Vendor.LOGIN_STATUSES or not vendor.account.is_active:
        raise ValidationError(_("Only active vendor accounts can get a new link."))
    password_link_send(user=vendor.account, purpose="activation", actor=actor)
