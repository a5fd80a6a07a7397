"""Blacklist (daftar hitam) management by the application administrator."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.accounts.roles import Perm
from lpse.audit.services import audit_record
from lpse.vendors.models import BlacklistEntry
from lpse.vendors.services.common import require
from lpse.vendors.validators import digits_only, normalise_npwp, validate_nik, validate_npwp

if TYPE_CHECKING:
    from lpse.accounts.models import User


def _clean(entry: BlacklistEntry) -> None:
    errors: dict[str, list[str]] = {}
    if entry.npwp:
        try:
            validate_npwp(entry.npwp)
        except ValidationError as exc:
            errors["npwp"] = exc.messages
        entry.npwp = normalise_npwp(entry.npwp)
    if entry.nik:
        try:
            validate_nik(entry.nik)
        except ValidationError as exc:
            errors["nik"] = exc.messages
        entry.nik = digits_only(entry.nik)
    if not entry.npwp and not entry.nik:
        errors.setdefault("__all__", []).append(_("Enter the NPWP, the NIK, or both."))
    if entry.ends_on and entry.ends_on < entry.starts_on:
        errors.setdefault("ends_on", []).append(_("The end is before the start."))
    if errors:
        raise ValidationError(errors)
    entry.full_clean(exclude=["created_by"], validate_constraints=False)


def _snapshot(entry: BlacklistEntry) -> dict[str, object]:
    return {"company_name": entry.company_name, "npwp": entry.npwp,
            "nik": "(personal)" if entry.nik else "", "source_reference": entry.source_reference,
            "starts_on": entry.starts_on.isoformat(),
            "ends_on": entry.ends_on.isoformat() if entry.ends_on else None}


@transaction.atomic
def blacklist_add(
    *, actor: User, company_name: str, npwp: str, nik: str, source_reference: str,
    starts_on: date, ends_on: date | None, notes: str = "",
) -> BlacklistEntry:
    require(actor, Perm.MANAGE_BLACKLIST)
    entry = BlacklistEntry(
        company_name=company_name.strip(), npwp=npwp.strip(), nik=nik.strip(),
        source_reference=source_reference.strip(), starts_on=starts_on, ends_on=ends_on,
        notes=notes.strip(), created_by=actor,
    )
    _clean(entry)
    entry.save()
    audit_record(action="vendor.blacklist_added", actor=actor, target=entry,
                 data=_snapshot(entry))
    return entry


@transaction.atomic
def blacklist_update(
    *, actor: User, entry: BlacklistEntry, company_name: str, npwp: str, nik: str,
    source_reference: str, starts_on: date, ends_on: date | None, notes: str = "",
) -> BlacklistEntry:
    require(actor, Perm.MANAGE_BLACKLIST)
    entry = BlacklistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.revoked_at is not None:
        raise ValidationError(_("A revoked listing cannot be changed."))
    before = _snapshot(entry)
    entry.company_name, entry.npwp, entry.nik = company_name.strip(), npwp.strip(), nik.strip()
    entry.source_reference, entry.starts_on, entry.ends_on = (
        source_reference.strip(), starts_on, ends_on)
    entry.notes = notes.strip()
    _clean(entry)
    entry.save()
    audit_record(action="vendor.blacklist_updated", actor=actor, target=entry,
                 data={"before": before, "after": _snapshot(entry)})
    return entry


@transaction.atomic
def blacklist_revoke(*, actor: User, entry: BlacklistEntry, reason: str) -> BlacklistEntry:
    require(actor, Perm.MANAGE_BLACKLIST)
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    entry = BlacklistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.revoked_at is not None:
        raise ValidationError(_("This listing is already revoked."))
    entry.revoked_at, entry.revoked_by = timezone.now(), actor
    entry.revocation_reason = reason.strip()[:300]
    entry.save(update_fields=["revoked_at", "revoked_by", "revocation_reason", "updated_at"])
    audit_record(action="vendor.blacklist_revoked", actor=actor, target=entry,
                 data={"reason": entry.revocation_reason})
    return entry
