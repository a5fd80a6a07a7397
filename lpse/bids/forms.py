"""Input parsing only; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lpse.bids.models import BidFile, UnopenableCase


class EnrolForm(forms.Form):
    passphrase = forms.CharField(label=_("Passphrase"), strip=False,
                                 widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                 help_text=_("At least 12 characters; a few unrelated words "
                                             "are easy to remember and hard to guess. Nobody "
                                             "can recover it for you."))
    passphrase_again = forms.CharField(label=_("Passphrase again"), strip=False,
                                       widget=forms.PasswordInput(
                                           attrs={"autocomplete": "new-password"}))


class ChangePassphraseForm(forms.Form):
    passphrase = forms.CharField(label=_("Current passphrase"), strip=False,
                                 widget=forms.PasswordInput(
                                     attrs={"autocomplete": "current-password"}))
    new_passphrase = forms.CharField(label=_("New passphrase"), strip=False,
                                     widget=forms.PasswordInput(
                                         attrs={"autocomplete": "new-password"}))
    new_passphrase_again = forms.CharField(label=_("New passphrase again"), strip=False,
                                           widget=forms.PasswordInput(
                                               attrs={"autocomplete": "new-password"}))


class UnlockForm(forms.Form):
    passphrase = forms.CharField(label=_("Your opening passphrase"), strip=False,
                                 widget=forms.PasswordInput(
                                     attrs={"autocomplete": "current-password"}))


class TechnicalResultForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("Technical evaluation"),
                                    choices=[("1", pgettext_lazy("evaluation", "Passed")),
                                             ("0", pgettext_lazy("evaluation", "Failed"))],
                                    coerce=lambda v: v == "1")
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class _FileChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_open_status_display()})"


class CaseForm(forms.Form):
    bid_files = _FileChoice(label=_("Files that cannot be opened"),
                                               queryset=BidFile.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(label=_("What happens when the committee opens the file"),
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, files: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if files is not None:
            field = self.fields["bid_files"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = files


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=UnopenableCase.Outcome.choices,
                                widget=forms.RadioSelect)
    finding = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("LKPP's answer"), widget=forms.Textarea(attrs={"rows": 3}))


class VerifyReceiptForm(forms.Form):
    receipt = forms.FileField(label=_("Receipt (JSON file)"))
