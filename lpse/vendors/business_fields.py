"""Business fields (bidang usaha) of licences, from the catalog app's master data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lpse.vendors.models import BusinessLicence


def business_field_form_field() -> forms.Field | None:
    """A multiple choice of the active business fields, or None without the catalog."""
    relation = getattr(BusinessLicence, "business_fields", None)
    if relation is None:
        return None
    meta: Any = BusinessLicence._meta
    model = meta.get_field("business_fields").related_model
    return forms.ModelMultipleChoiceField(
        label=_("Business fields"), required=False,
        queryset=model._default_manager.all(),  # type: ignore[union-attr]
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
