"""Indonesian business identifiers: NPWP, NIK, NIB, and the vendor's chosen user ID.

NPWP and NIK are checked with python-stdnum (length, check digit, region and birth date),
not only by their length.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.id import nik as stdnum_nik
from stdnum.id import npwp as stdnum_npwp

_SEPARATORS = re.compile(r"[\s.\-/]")
_USER_ID = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{2,28})[a-z0-9]$")


def digits_only(value: str) -> str:
    return _SEPARATORS.sub("", value or "")


def normalise_npwp(value: str) -> str:
    """The 16-digit form of an NPWP (the old 15-digit form gets its leading 0)."""
    digits = digits_only(value)
    return "0" + digits if len(digits) == 15 else digits


def validate_npwp(value: str) -> None:
    digits = digits_only(value)
    if not digits.isdigit() or len(digits) not in (15, 16):
        raise ValidationError(
            _("The NPWP must have 15 or 16 digits (dots and dashes are allowed)."),
            code="npwp_length",
        )
    if len(digits) == 16 and digits[0] != "0":
        # A 16-digit NPWP that does not start with 0 is the owner's NIK.
        try:
            stdnum_nik.validate(digits)
        except stdnum_errors.ValidationError:
            raise ValidationError(
                _("This 16-digit NPWP is not a valid NIK-based tax number."), code="npwp_nik"
            ) from None
        return
    try:
        stdnum_npwp.validate(digits)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The NPWP check digit (9th digit of the 15-digit form) is wrong: please check "
              "the number on the NPWP card."),
            code="npwp_checksum",
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(_("This is not a valid NPWP."), code="npwp_invalid") from None


def format_npwp(value: str) -> str:
    """00.000.000.0-000.000 for the classic form; NIK-based numbers stay plain."""
    digits = normalise_npwp(value)
    if len(digits) == 16 and digits[0] == "0":
        return stdnum_npwp.format(digits[1:])
    return digits


def validate_nik(value: str) -> None:
    digits = digits_only(value)
    if not digits.isdigit() or len(digits) != 16:
        raise ValidationError(_("The NIK must be exactly 16 digits."), code="nik_length")
    try:
        stdnum_nik.validate(digits)
    except stdnum_errors.InvalidComponent:
        raise ValidationError(
            _("This NIK is not valid: the region code or the birth date in it is wrong."),
            code="nik_component",
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(_("This is not a valid NIK."), code="nik_invalid") from None


def mask_nik(value: str) -> str:
    """The NIK with its middle hidden, for people who may not see personal data."""
    return f"{value[:4]}{'•' * 8}{value[-4:]}" if len(value) == 16 else "•" * len(value)


def validate_nib(value: str) -> None:
    digits = digits_only(value)
    if not digits.isdigit() or len(digits) != 13:
        raise ValidationError(_("The NIB must be exactly 13 digits."), code="nib_length")


def validate_user_id(value: str) -> None:
    if not _USER_ID.match(value or ""):
        raise ValidationError(
            _("The user ID must be 4 to 30 characters: lower-case letters, digits, dots, "
              "dashes or underscores, starting and ending with a letter or digit."),
            code="user_id_format",
        )
