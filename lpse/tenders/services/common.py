"""Helpers shared by the tender services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lpse.tenders.models import CodeSequence, Tender


def next_code(kind: str, year: int, template: str) -> str:
    """The next package or tender code of `year` (inside the caller's transaction)."""
    CodeSequence.objects.get_or_create(kind=kind, year=year)
    sequence = CodeSequence.objects.select_for_update().get(kind=kind, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return template.format(year=year, seq=sequence.last_number)


def locked(tender: Tender) -> Tender:
    """Re-read the tender under a row lock: concurrent services on one tender queue."""
    return Tender.objects.select_for_update().select_related(
        "method", "evaluation_method", "committee", "package", "agency").get(pk=tender.pk)


def require_text(value: str, field: str, message: str | None = None) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise ValidationError({field: message or _("This field is required.")})
    return cleaned


def require_running(tender: Tender) -> None:
    if tender.status != Tender.Status.PUBLISHED:
        raise ValidationError(_("The tender is not running (status: %(status)s).")
                              % {"status": tender.get_status_display()})
