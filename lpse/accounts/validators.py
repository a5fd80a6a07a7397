"""Validators for Indonesian identifiers used by accounts."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NIP = re.compile(r"^\d{18}$")


def normalise_nip(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def validate_nip(value: str) -> None:
    """NIP (civil-servant number): 18 digits = birth date (YYYYMMDD), appointment (YYYYMM),
    sex (1 or 2) and a 3-digit sequence number."""
    nip = normalise_nip(value)
    if not _NIP.match(nip):
        raise ValidationError(_("The NIP must be exactly 18 digits."), code="nip_format")
    try:
        born = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(
            _("The first 8 digits of the NIP must be a valid birth date (YYYYMMDD)."),
            code="nip_birth",
        ) from None
    appointed_year, appointed_month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= appointed_month <= 12 or appointed_year < born.year + 15:
        raise ValidationError(
            _("Digits 9–14 of the NIP must be a valid appointment year and month."),
            code="nip_appointment",
        )
    if appointed_year > date.today().year + 1:  # noqa: DTZ011 - a calendar year, not an instant
        raise ValidationError(
            _("The appointment year in the NIP lies in the future."), code="nip_appointment"
        )
    if nip[14] not in "12":
        raise ValidationError(_("Digit 15 of the NIP must be 1 or 2."), code="nip_sex")
    if nip[15:] == "000":
        raise ValidationError(_("The last 3 digits of the NIP cannot be 000."), code="nip_seq")
