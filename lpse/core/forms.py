from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lpse.core.models import Holiday


def add_service_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: under the fields it names when the form
    has them, otherwise as a non-field error, so that nothing the user must read is lost."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class HolidayForm(forms.ModelForm[Holiday]):
    class Meta:
        model = Holiday
        fields = ["date", "name", "kind"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class DocumentCheckForm(forms.Form):
    file = forms.FileField(
        label=_("Your copy of the PDF"),
        help_text=_("The file is compared by its SHA-256 fingerprint and is not kept."),
    )
