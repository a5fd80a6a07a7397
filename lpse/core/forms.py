from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lpse.core.models import Holiday


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
