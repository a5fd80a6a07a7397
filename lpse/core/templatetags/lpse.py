from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField, CheckboxInput, CheckboxSelectMultiple, RadioSelect, Select
from django.utils import formats, numberformat, timezone
from django.utils.safestring import SafeString

from lpse.accounts.roles import PERMS_BY_NAME, Role, has_perm
from lpse.core.calendar import WIB

register = template.Library()


@register.simple_tag
def bootstrap_widget(field: BoundField, size: str = "") -> SafeString:
    """Render a widget with Bootstrap classes and the ARIA attributes of its state."""
    widget = field.field.widget
    if isinstance(widget, CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, CheckboxSelectMultiple | RadioSelect):
        css = ""
    elif isinstance(widget, Select):
        css = "form-select" + (f" form-select-{size}" if size else "")
    else:
        css = "form-control" + (f" form-control-{size}" if size else "")
    attrs: dict[str, Any] = {}
    existing = widget.attrs.get("class", "")
    if css:
        attrs["class"] = f"{css} {existing}".strip()
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        attrs["class"] = attrs.get("class", "") + " is-invalid"
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def choice_group(field: BoundField) -> bool:
    """A group of checkboxes or radio buttons: rendered as a fieldset with a legend."""
    return isinstance(field.field.widget, CheckboxSelectMultiple | RadioSelect)


@register.filter
def wib(value: datetime | date | str | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
    """A moment in Western Indonesia Time, e.g. 25-11-2026 14:03 WIB. Also takes the ISO
    8601 text of an aware moment (as kept in JSON data)."""
    if not value:
        return "—"
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if parsed.tzinfo is None:
            return value
        value = parsed
    if isinstance(value, datetime):
        return timezone.localtime(value, WIB).strftime(fmt) + " WIB"
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


@register.filter
def rupiah(value: Decimal | int | None) -> str:
    """Money in rupiah with Indonesian grouping: Rp 1.250.000.000."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value)
    # Explicit separators: without localisation Django's NUMBER_GROUPING is 0 (no grouping).
    text = numberformat.format(amount, ",", 0 if amount == amount.to_integral() else 2,
                               grouping=3, thousand_sep=".", force_grouping=True)
    return f"Rp {text}"


@register.filter
def can(user: Any, perm_name: str) -> bool:
    """{% if user|can:"vendors.verify" %}"""
    perm = PERMS_BY_NAME.get(perm_name)
    return perm is not None and has_perm(user, perm)


@register.filter
def role_label(value: str) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return value


@register.filter
def held_upload(field: BoundField) -> Any:
    """The file held for this field after a refused submission (lpse.core.held_uploads)."""
    return getattr(field.form, "held", {}).get(field.name)


@register.filter
def number(value: float | int | Decimal | None, decimals: int = 1) -> str:
    """A number in the active language's format: 1.234,5 (Indonesian), 1,234.5 (English)."""
    if value is None or value == "":
        return "—"
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


@register.filter
def filesize(value: float | None) -> str:
    """A size in bytes with the active language's decimal separator: 77,4 GB (Indonesian)."""
    if value is None:
        return "—"
    size = float(value)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(size) < 1024 or unit == "TB":
            return f"{number(size, 0 if unit == 'B' else 1)} {unit}"
        size /= 1024
    raise AssertionError("unreachable")  # pragma: no cover
