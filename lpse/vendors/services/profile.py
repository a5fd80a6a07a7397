"""After activation: the vendor's profile, legal-data changes (re-verification),
deactivation and reactivation, and the vendor's own data export."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.accounts.roles import Perm
from lpse.accounts.services import user_deactivate, user_reactivate
from lpse.audit.services import audit_record
from lpse.core.calendar import localdate_wib
from lpse.core.files import SCAN_POLICY, FileRejected, open_stored, store_file
from lpse.core.mail import send_mail_on_commit
from lpse.core.models import IssuedDocument
from lpse.vendors.models import (
    BusinessLicence,
    Deed,
    EmailChangeRequest,
    ProcedureStep,
    Vendor,
    VendorDataChange,
    VendorDocument,
)
from lpse.vendors.services.common import (
    SCAN_PURPOSE,
    expired_licence_message,
    files_removed_on_error,
    lock,
    require,
    require_own,
)
from lpse.vendors.validators import (
    digits_only,
    normalise_npwp,
    validate_nib,
    validate_nik,
    validate_npwp,
)

if TYPE_CHECKING:
    from lpse.accounts.models import User

CONTACT_FIELDS = ("address", "province", "regency", "postal_code", "phone")
LEGAL_FIELDS = ("business_form", "name", "npwp", "nib", "director_name", "director_position",
                "director_nik")


def _label(field: str) -> str:
    meta: Any = Vendor._meta
    return str(meta.get_field(field).verbose_name)


def _editable(vendor: Vendor) -> None:
    if vendor.status not in Vendor.LOGIN_STATUSES:
        raise ValidationError(_("The data of this account cannot be changed now."))


def _record(vendor: Vendor, actor: User, changes: list[tuple[str, str, str, str]], *,
            legal: bool) -> list[VendorDataChange]:
    return [
        VendorDataChange.objects.create(
            vendor=vendor, field=field, label=label[:150], old_value=old, new_value=new,
            personal_data=field == "director_nik", legal=legal,
            source=VendorDataChange.Source.VENDOR, changed_by=actor,
        )
        for field, label, old, new in changes
    ]


def _needs_reverification(vendor: Vendor, actor: User, what: str) -> None:
    """Legal data changed: an active vendor waits for a verifier to confirm it."""
    if vendor.status == Vendor.Status.ACTIVE:
        vendor.status = Vendor.Status.NEEDS_REVERIFICATION
        vendor.save(update_fields=["status", "updated_at"])
        audit_record(action="vendor.needs_reverification", actor=actor, target=vendor,
                     data={"because": what})
        from lpse.vendors.conf import verification_hours, verification_place
        from lpse.vendors.documents import documents_to_bring

        opening, closing = verification_hours()
        send_mail_on_commit(
            to=[vendor.email], template="vendors/email/reverification_needed",
            context={"vendor": vendor, "place": verification_place(),
                     "hours": f"{opening:%H:%M}–{closing:%H:%M}",
                     "documents": documents_to_bring(vendor)},
            language=vendor.account.preferred_language,
        )


@transaction.atomic
def vendor_contact_update(*, vendor: Vendor, actor: User, **values: str) -> Vendor:
    """Contact data (address, phone): the vendor changes them freely."""
    require_own(actor, vendor)
    vendor = lock(vendor)
    _editable(vendor)
    changes = []
    for field in CONTACT_FIELDS:
        if field in values:
            new = values[field].strip()
            old = getattr(vendor, field)
            if new != old:
                setattr(vendor, field, new)
                changes.append((field, _label(field), old, new))
    vendor.full_clean(validate_constraints=False)
    if changes:
        vendor.save(update_fields=[c[0] for c in changes] + ["updated_at"])
        if "phone" in values:
            vendor.account.phone = vendor.phone
            vendor.account.save(update_fields=["phone"])
        _record(vendor, actor, changes, legal=False)
        audit_record(action="vendor.contact_updated", actor=actor, target=vendor,
                     data={c[0]: {"old": c[2], "new": c[3]} for c in changes})
    return vendor


@transaction.atomic
def vendor_legal_update(*, vendor: Vendor, actor: User, **values: str) -> Vendor:
    """Legal data (name, form, NPWP, NIB, director): applied, and the account needs
    re-verification until a verifier confirms them."""
    require_own(actor, vendor)
    vendor = lock(vendor)
    _editable(vendor)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for field in LEGAL_FIELDS:
        if field not in values:
            continue
        value = values[field].strip()
        validator = {"npwp": validate_npwp, "nib": validate_nib,
                     "director_nik": validate_nik}.get(field)
        if validator is not None and (value or field != "nib"):
            try:
                validator(value)
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
                continue
        if field == "npwp":
            value = normalise_npwp(value)
        elif field in {"nib", "director_nik"}:
            value = digits_only(value)
        cleaned[field] = value
    if "npwp" in cleaned and Vendor.objects.filter(npwp=cleaned["npwp"]).exclude(
            pk=vendor.pk).exclude(status__in=Vendor.CLOSED_STATUSES).exists():
        errors.setdefault("npwp", []).append(_("This NPWP already has another account."))
    if cleaned.get("business_form", vendor.business_form) != Vendor.BusinessForm.PERORANGAN \
            and not cleaned.get("nib", vendor.nib):
        errors.setdefault("nib", []).append(_("The NIB is required for this form of business."))
    if cleaned.get("business_form", vendor.business_form) != Vendor.BusinessForm.PERORANGAN \
            and not vendor.deeds.filter(kind=Deed.Kind.ESTABLISHMENT).exists():
        errors.setdefault("business_form", []).append(_(
            "This form of business needs a deed of establishment: add it first."))
    if errors:
        raise ValidationError(errors)
    changes = []
    for field, new in cleaned.items():
        old = getattr(vendor, field)
        if new != old:
            setattr(vendor, field, new)
            changes.append((field, _label(field), old, new))
    vendor.full_clean(validate_constraints=False)
    if changes:
        vendor.save(update_fields=[c[0] for c in changes] + ["updated_at"])
        if "director_name" in {c[0] for c in changes}:
            vendor.account.full_name = vendor.director_name
            vendor.account.save(update_fields=["full_name"])
        _record(vendor, actor, changes, legal=True)
        audit_record(action="vendor.legal_data_updated", actor=actor, target=vendor,
                     data={c[0]: {"old": "(personal)" if c[0] == "director_nik" else c[2],
                                  "new": "(personal)" if c[0] == "director_nik" else c[3]}
                           for c in changes})
        _needs_reverification(vendor, actor, "legal_data")
    return vendor


@transaction.atomic
def vendor_deed_save(*, vendor: Vendor, actor: User, kind: str, number: str, date: date,
                     notary: str) -> Deed:
    """Add or change a deed (establishment or latest amendment): legal data."""
    require_own(actor, vendor)
    vendor = lock(vendor)
    _editable(vendor)
    if date > localdate_wib():
        raise ValidationError({"date": _("The deed date cannot be in the future.")})
    deed = Deed.objects.filter(vendor=vendor, kind=kind).first()
    old = str(deed) if deed else ""
    if deed is None:
        deed = Deed(vendor=vendor, kind=kind)
    deed.number, deed.date, deed.notary = number.strip(), date, notary.strip()
    deed.full_clean(validate_constraints=False)
    establishment = Deed.objects.filter(vendor=vendor, kind=Deed.Kind.ESTABLISHMENT).first()
    if kind == Deed.Kind.AMENDMENT and establishment and date < establishment.date:
        raise ValidationError({"date": _(
            "The amendment cannot be older than the deed of establishment.")})
    deed.save()
    if old != str(deed):
        _record(vendor, actor, [(f"deed.{kind}", deed.get_kind_display(), old, str(deed))],
                legal=True)
        audit_record(action="vendor.deed_saved", actor=actor, target=vendor,
                     data={"kind": kind, "old": old, "new": str(deed)})
        _needs_reverification(vendor, actor, f"deed.{kind}")
    return deed


@transaction.atomic
def vendor_licence_save(
    *, vendor: Vendor, actor: User, licence: BusinessLicence | None, kind: str, number: str,
    issued_by: str = "", valid_from: date | None = None, valid_until: date | None = None,
    business_field_ids: Sequence[int] = (),
) -> BusinessLicence:
    """Add or change a business licence: legal data."""
    require_own(actor, vendor)
    vendor = lock(vendor)
    _editable(vendor)
    if licence is not None and licence.vendor_id != vendor.pk:
        raise ValidationError(_("This licence belongs to another vendor."))
    old = _licence_text(licence) if licence else ""
    licence = licence or BusinessLicence(vendor=vendor)
    licence.kind, licence.number, licence.issued_by = kind, number.strip(), issued_by.strip()
    licence.valid_from, licence.valid_until = valid_from, valid_until
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The end of validity is before its start.")})
    if valid_until and valid_until < localdate_wib():
        raise ValidationError({"valid_until": expired_licence_message(valid_until)})
    licence.full_clean(validate_constraints=False)
    if BusinessLicence.objects.filter(vendor=vendor, kind=kind, number=licence.number) \
            .exclude(pk=licence.pk).exists():
        raise ValidationError({"number": _("This licence is already registered.")})
    licence.save()
    licence.business_fields.set(business_field_ids)
    new = _licence_text(licence)
    if old != new:
        _record(vendor, actor, [(f"licence.{licence.pk}", licence.get_kind_display(), old, new)],
                legal=True)
        audit_record(action="vendor.licence_saved", actor=actor, target=vendor,
                     data={"licence": licence.pk, "old": old, "new": new})
        _needs_reverification(vendor, actor, "licence")
    return licence


def _licence_text(licence: BusinessLicence) -> str:
    from lpse.vendors.documents import licence_fields_text

    until = f"{licence.valid_until:%d-%m-%Y}" if licence.valid_until else "-"
    fields = licence_fields_text(licence) if licence.pk else ""
    return f"{licence.get_kind_display()} {licence.number} (s.d. {until}) {fields}".strip()


@transaction.atomic
def vendor_licence_remove(*, vendor: Vendor, actor: User, licence: BusinessLicence) -> None:
    require_own(actor, vendor)
    vendor = lock(vendor)
    _editable(vendor)
    if licence.vendor_id != vendor.pk:
        raise ValidationError(_("This licence belongs to another vendor."))
    if vendor.licences.count() <= 1:
        raise ValidationError(_("A vendor keeps at least one business licence."))
    text = _licence_text(licence)
    licence.delete()
    _record(vendor, actor, [(f"licence.{licence.pk}", _("Business licence"), text, "")],
            legal=True)
    audit_record(action="vendor.licence_removed", actor=actor, target=vendor,
                 data={"licence": text})
    _needs_reverification(vendor, actor, "licence")


def vendor_scan_add(*, vendor: Vendor, actor: User, kind: str, upload: IO[Any]) -> VendorDocument:
    """A scan supplied by the vendor (personal data: every view is audited)."""
    require_own(actor, vendor)
    if kind not in VendorDocument.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    try:
        with files_removed_on_error() as stored, transaction.atomic():
            vendor = lock(vendor)
            _editable(vendor)
            scan = stored.add(store_file(
                source=upload, original_name=getattr(upload, "name", kind),
                purpose=SCAN_PURPOSE, policy=SCAN_POLICY, uploaded_by=actor,
                personal_data=True))
            document = VendorDocument.objects.create(vendor=vendor, kind=kind, file=scan,
                                                     uploaded_by=actor)
            audit_record(action="vendor.scan_added", actor=actor, target=vendor,
                         data={"kind": kind, "file": str(scan.pk), "sha256": scan.sha256})
    except FileRejected as exc:
        raise ValidationError({"file": exc.messages}) from None
    return document


# --- Deactivation ---------------------------------------------------------------------------


@transaction.atomic
def vendor_deactivate(*, vendor: Vendor, actor: User, reason: str) -> Vendor:
    """An administrator deactivates a vendor account: it is logged out everywhere."""
    require(actor, Perm.MANAGE_VENDORS)
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    vendor = lock(vendor)
    if vendor.status not in Vendor.LOGIN_STATUSES:
        raise ValidationError(_("Only active vendor accounts can be deactivated."))
    vendor.status_before_deactivation = vendor.status
    vendor.status = Vendor.Status.DEACTIVATED
    vendor.deactivated_at, vendor.deactivation_reason = timezone.now(), reason.strip()[:300]
    vendor.save(update_fields=["status", "status_before_deactivation", "deactivated_at",
                               "deactivation_reason", "updated_at"])
    user_deactivate(actor=actor, user=vendor.account, reason=reason)
    send_mail_on_commit(to=[vendor.email], template="vendors/email/deactivated",
                        context={"vendor": vendor, "reason": vendor.deactivation_reason},
                        language=vendor.account.preferred_language)
    audit_record(action="vendor.deactivated", actor=actor, target=vendor,
                 data={"reason": vendor.deactivation_reason})
    return vendor


@transaction.atomic
def vendor_reactivate(*, vendor: Vendor, actor: User, reason: str) -> Vendor:
    require(actor, Perm.MANAGE_VENDORS)
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    vendor = lock(vendor)
    if vendor.status != Vendor.Status.DEACTIVATED:
        raise ValidationError(_("This vendor account is not deactivated."))
    vendor.status = vendor.status_before_deactivation or Vendor.Status.ACTIVE
    vendor.status_before_deactivation = ""
    vendor.deactivated_at, vendor.deactivation_reason = None, ""
    vendor.save(update_fields=["status", "status_before_deactivation", "deactivated_at",
                               "deactivation_reason", "updated_at"])
    user_reactivate(actor=actor, user=vendor.account)
    send_mail_on_commit(to=[vendor.email], template="vendors/email/reactivated",
                        context={"vendor": vendor, "reason": reason.strip()},
                        language=vendor.account.preferred_language)
    audit_record(action="vendor.reactivated", actor=actor, target=vendor,
                 data={"reason": reason.strip()[:300], "status": vendor.status})
    return vendor


# --- The vendor's own data (personal-data law) -------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def vendor_data_export(*, vendor: Vendor, actor: User) -> bytes:
    """Everything the portal holds about the vendor, as a ZIP: data.json, the scans and
    the issued records. Only the vendor itself may download it; the download is audited."""
    require_own(actor, vendor)
    account = vendor.account
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "vendor": {f.name: _iso(getattr(vendor, f.attname)) for f in Vendor._meta.concrete_fields
                   if f.name not in {"account", "verified_by", "status_before_deactivation"}},
        "account": {"user_id": account.username, "email": account.email,
                    "full_name": account.full_name, "phone": account.phone,
                    "language": account.preferred_language,
                    "date_joined": _iso(account.date_joined),
                    "last_login": _iso(account.last_login)},
        "deeds": [{"kind": d.kind, "number": d.number, "date": _iso(d.date),
                   "notary": d.notary} for d in vendor.deeds.all()],
        "licences": [{"kind": lic.kind, "number": lic.number, "issued_by": lic.issued_by,
                      "valid_from": _iso(lic.valid_from), "valid_until": _iso(lic.valid_until)}
                     for lic in vendor.licences.all()],
        "changes": [{"field": c.field, "old": c.old_value, "new": c.new_value,
                     "source": c.source, "reason": c.reason, "at": _iso(c.changed_at)}
                    for c in vendor.changes.all()],
        "verifications": [{"kind": s.kind, "started_at": _iso(s.started_at),
                           "finished_at": _iso(s.finished_at), "outcome": s.outcome,
                           "reason": s.reason} for s in vendor.verification_sessions.all()],
        "email_changes": [{"old": e.old_email, "new": e.new_email, "status": e.status,
                           "filed_at": _iso(e.filed_at), "applied_at": _iso(e.applied_at)}
                          for e in EmailChangeRequest.objects.filter(vendor=vendor)],
        "procedure_steps": [{"procedure": p.procedure, "step": p.step,
                             "started_at": _iso(p.started_at),
                             "finished_at": _iso(p.finished_at)}
                            for p in ProcedureStep.objects.filter(vendor=vendor)],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for i, scan in enumerate(vendor.documents.select_related("file"), start=1):
            with open_stored(scan.file) as handle:
                suffix = {"application/pdf": "pdf", "image/jpeg": "jpg",
                          "image/png": "png"}.get(scan.file.content_type, "bin")
                archive.writestr(f"scans/{i:02d}-{scan.kind}.{suffix}", handle.read())
        used: set[str] = set()
        for document in _records_of(vendor):
            with open_stored(document.file) as handle:
                archive.writestr(_unique_name(f"records/{document.file.original_name}", used),
                                 handle.read())
    with transaction.atomic():
        audit_record(action="vendor.data_exported", actor=actor, target=vendor,
                     data={"bytes": buffer.tell()})
    return buffer.getvalue()


def _unique_name(name: str, used: set[str]) -> str:
    """`name`, or `name` with -2, -3… before its extension when already in the archive (a
    re-verification issues a second record with the same file name)."""
    stem, dot, extension = name.rpartition(".")
    if not dot or "/" in extension:
        stem, dot, extension = name, "", ""
    candidate, number = name, 1
    while candidate in used:
        number += 1
        candidate = f"{stem}-{number}{dot}{extension}"
    used.add(candidate)
    return candidate


def _records_of(vendor: Vendor) -> list[IssuedDocument]:
    from django.db.models import Q

    sessions = [str(pk) for pk in vendor.verification_sessions.values_list("pk", flat=True)]
    changes = [str(pk) for pk in vendor.email_changes.values_list("pk", flat=True)]
    return list(IssuedDocument.objects.select_related("file").filter(
        Q(subject_type="vendors.vendor", subject_id=str(vendor.pk))
        | Q(subject_type="vendors.verificationsession", subject_id__in=sessions)
        | Q(subject_type="vendors.emailchangerequest", subject_id__in=changes)
    ).order_by("pk"))
