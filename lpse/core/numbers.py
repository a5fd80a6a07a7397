"""Numbers as people in Indonesia type them ("3.200.000.000,50", "Rp 1.000.000")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

#: Indonesian notation: dots group thousands, a comma starts the decimals.
_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?")
_PLAIN = re.compile(r"\d+([.,]\d+)?")


def parse_decimal_id(raw: Any) -> Decimal | None:
    """A number as typed in Indonesia: "3.200.000.000", "3.200.000.000,50", "3200000000,5",
    optionally with "Rp" and spaces; also the plain machine form "3200000000.50" (a single
    dot followed by one or two digits, which cannot be a thousands group). None when the
    text is no such number. "1.000" is one thousand (a group), never one."""
    text = str(raw if raw is not None else "").strip().replace("\u00a0", "").replace(" ", "")
    if text[:2].lower() == "rp":
        text = text[2:].lstrip(".")
    if _GROUPED.fullmatch(text):
        text = text.replace(".", "").replace(",", ".")
    elif _PLAIN.fullmatch(text):
        if "." in text and len(text.split(".")[1]) == 3:
            text = text.replace(".", "")  # "1.000": one thousand
        else:
            text = text.replace(",", ".")
    else:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
