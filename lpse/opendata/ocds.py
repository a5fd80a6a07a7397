"""OCDS constants and small formatting helpers shared by the mapping, the API and exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse

#: The OCDS version published (major.minor, as the package `version` field wants it).
OCDS_VERSION = "1.1"
#: The OCDS patch release whose schema is vendored in lpse/opendata/schema/standard/.
OCDS_SCHEMA_TAG = "1__1__4"
#: The bid extension (bid statistics and details), declared in every package.
BID_EXTENSION_URL = ("https://raw.githubusercontent.com/open-contracting-extensions/"
                     "ocds_bid_extension/v1.1.5/extension.json")
EXTENSIONS = [BID_EXTENSION_URL]
CURRENCY = "IDR"
LANGUAGE = "id"


def ocid_prefix() -> str:
    return str(settings.OCDS_PREFIX)


def ocid_for(tender_code: str) -> str:
    """The stable ocid of a tender: the configured prefix plus the tender code."""
    return f"{ocid_prefix()}{tender_code}"


def iso(moment: dt.datetime | None) -> str | None:
    """An aware datetime as RFC 3339 in UTC, to the second (so that dates sort as text)."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_day(day: dt.date | None, *, end: bool = False) -> str | None:
    """A calendar date as the start (or end) of that day in WIB, RFC 3339."""
    if day is None:
        return None
    from lpse.core.calendar import WIB

    clock = dt.time(23, 59, 59) if end else dt.time(0, 0)
    return dt.datetime.combine(day, clock, tzinfo=WIB).isoformat()


def amount(value: Decimal | None) -> int | float | None:
    """Rupiah as a JSON number: an integer when whole (the usual case), else 2 decimals."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 2))


def money(value: Decimal | None) -> dict[str, Any] | None:
    return None if value is None else {"amount": amount(value), "currency": CURRENCY}


def absolute(url_name: str, *args: Any) -> str:
    return f"{settings.SITE_URL}{reverse(url_name, args=args)}"


def publisher() -> dict[str, Any]:
    return {"name": str(settings.OCDS_PUBLISHER_NAME), "uri": f"{settings.SITE_URL}/"}


def package_meta(uri: str, published: dt.datetime | None) -> dict[str, Any]:
    """The metadata every release or record package carries."""
    from django.utils import timezone

    meta: dict[str, Any] = {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publisher": publisher(),
        "publishedDate": iso(published or timezone.now()),
    }
    if settings.OCDS_LICENSE:
        meta["license"] = settings.OCDS_LICENSE
    if settings.OCDS_PUBLICATION_POLICY:
        meta["publicationPolicy"] = settings.OCDS_PUBLICATION_POLICY
    return meta
