from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lpse.core import calendar
from lpse.operations.models import ChecklistEntry, SopDocument

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MaintenanceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    message = forms.CharField(
        label=_("Message to users"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the banner, in the e-mail to tender participants and on the "
                    "maintenance page."),
    )
    starts_at = forms.DateTimeField(label=_("Starts at (WIB)"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Ends at (WIB)"), widget=DATETIME_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        return data


class MaintenanceStartForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for starting despite upload deadlines"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required only when the window overlaps an upload deadline."),
    )


class ChecklistTickForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[(ChecklistEntry.Result.OK, ChecklistEntry.Result.OK.label),
                 (ChecklistEntry.Result.PROBLEM, ChecklistEntry.Result.PROBLEM.label),
                 (ChecklistEntry.Result.NOT_APPLICABLE,
                  ChecklistEntry.Result.NOT_APPLICABLE.label)],
    )
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("result") == ChecklistEntry.Result.PROBLEM and not data.get("note", "").strip():
            self.add_error("note", _("Describe the problem found."))
        return data


class ChecklistResolveForm(forms.Form):
    resolution = forms.CharField(label=_("How was it resolved?"),
                                 widget=forms.Textarea(attrs={"rows": 2}))


class SopDocumentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SopDocument
        fields = ["title", "number", "created_on", "revised_on", "effective_on", "approved_by",
                  "legal_basis", "related", "warnings", "qualifications", "equipment",
                  "records", "is_published", "order"]
        widgets = {
            "created_on": DATE_WIDGET, "revised_on": DATE_WIDGET, "effective_on": DATE_WIDGET,
            **{name: forms.Textarea(attrs={"rows": 3}) for name in
               ("legal_basis", "related", "warnings", "qualifications", "equipment",
                "records")},
        }


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Until"), widget=DATE_WIDGET)

    @staticmethod
    def default_period() -> tuple[date, date]:
        today = calendar.localdate_wib()
        return today.replace(day=1), today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                self.add_error("end", _("The end must not be before the start."))
            elif (data["end"] - data["start"]).days > 366 * 2:
                self.add_error("end", _("Choose a period of at most two years."))
        return data
