"""Input parsing for the training service."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lpse.core.calendar import WIB
from lpse.core.held_uploads import HeldUploadsMixin
from lpse.training.models import Audience, Room
from lpse.training.selectors import active_rooms, helpdesk_officers, trainers

_TIMER_SALT = "lpse.training.step-timer"


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class StepTimerForm(forms.Form):
    """Carries the moment the form was opened, so the step's duration can be recorded
    against the regulation's standard time. Signed: it cannot be made up."""

    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = signing.dumps(timezone.now().timestamp(),
                                                       salt=_TIMER_SALT)

    def clean_started(self) -> datetime | None:
        try:
            stamp = signing.loads(self.cleaned_data.get("started") or "", salt=_TIMER_SALT,
                                  max_age=24 * 3600)
        except signing.BadSignature:
            return None
        return datetime.fromtimestamp(float(stamp), tz=WIB)


class TrainingRequestForm(HeldUploadsMixin):
    """Refused for another field, the form keeps the letter scan (HeldUploadsMixin)."""

    letter_number = forms.CharField(label=_("Letter number"), max_length=100)
    letter_date = forms.DateField(label=_("Letter date"),
                                  widget=DATE_INPUT)
    letter = forms.FileField(label=_("Letter (scan)"),
                             help_text=_("PDF, JPEG or PNG, at most 10 MB."))
    audience = forms.ChoiceField(label=_("Participants are"), choices=Audience.choices,
                                 initial=Audience.AGENCY)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    participants = forms.IntegerField(label=_("Number of participants"), min_value=1,
                                      max_value=500)
    preferred_dates = forms.CharField(label=_("Preferred dates"), max_length=200,
                                      required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40)


class DisposeForm(StepTimerForm):
    to = forms.ModelChoiceField(label=_("Dispose to"), queryset=helpdesk_officers(),
                                required=False, empty_label=_("(the whole helpdesk)"))
    note = forms.CharField(label=_("Disposition"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = helpdesk_officers()  # type: ignore[attr-defined]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(StepTimerForm):
    agreed_date = forms.DateField(label=_("Agreed date"),
                                  widget=DATE_INPUT)
    note = forms.CharField(label=_("Notes of the phone call"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ScheduleForm(StepTimerForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    audience = forms.ChoiceField(label=_("Participants are"), choices=Audience.choices)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("From"), initial=time(9, 0),
                                 widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Until"), widget=TIME_INPUT)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none())
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=500)
    open_enrolment = forms.BooleanField(label=_("Vendors may enrol themselves"),
                                        required=False)
    override_reason = forms.CharField(
        label=_("Reason for an exception to the scheduling rules"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the day, time or capacity breaks the regulation's rules."),
    )

    def __init__(self, *args: Any, fixed_audience: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = active_rooms()  # type: ignore[attr-defined]
        if fixed_audience:
            self.fields["audience"].initial = fixed_audience
            self.fields["audience"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("start_time") and data.get("end_time"):
            data["starts_at"] = datetime.combine(data["date"], data["start_time"], tzinfo=WIB)
            data["ends_at"] = datetime.combine(data["date"], data["end_time"], tzinfo=WIB)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", _("The session must end after it starts."))
        return data


class TrainerForm(StepTimerForm):
    trainer = forms.ModelChoiceField(label=_("Trainer"), queryset=trainers())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = trainers()  # type: ignore[attr-defined]


class ReplyLetterForm(StepTimerForm):
    pass


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title of the material"), max_length=200)
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG, at most 20 MB."))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class RoomForm(forms.ModelForm[Room]):
    class Meta:
        model = Room
        fields = ["name", "capacity", "location", "is_active"]
