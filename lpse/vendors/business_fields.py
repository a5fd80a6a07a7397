"""Business fields (bidang usaha) of licences: the catalog app's master data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lpse.catalog.models import BusinessField
from lpse.catalog.selectors import active_business_fields


class BusinessFieldChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.label}"


def business_field_form_field() -> forms.Field:
    """A multiple choice of the active business fields (KBLI codes), in code order."""
    return BusinessFieldChoice(
        label=_("Business fields"), required=False,
        queryset=active_business_fields().order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )


__all__ = ["BusinessField", "business_field_form_field"]
