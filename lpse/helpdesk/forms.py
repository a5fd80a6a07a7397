"""Input parsing for the helpdesk (no business rules beyond field validation)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lpse.accounts.models import User
from lpse.core.held_uploads import HeldUploadsMixin
from lpse.helpdesk.models import Article, CannedResponse, LkppEscalation, Ticket
from lpse.helpdesk.selectors import handlers
from lpse.helpdesk.sla import ServiceLevel, max_minutes

SUPPORT_DURATIONS = [(15, _("15 minutes")), (30, _("30 minutes")), (60, _("1 hour"))]
ATTACHMENT_HELP = _("Optional. PDF, JPEG or PNG, at most 5 MB.")


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class QuickLogForm(forms.Form):
    """Phone or walk-in request, logged by the helpdesk officer in under a minute."""

    channel = forms.ChoiceField(
        label=_("Channel"), initial=Ticket.Channel.PHONE, widget=forms.RadioSelect,
        choices=[(Ticket.Channel.PHONE, Ticket.Channel.PHONE.label),
                 (Ticket.Channel.WALK_IN, Ticket.Channel.WALK_IN.label)],
    )
    requester_type = forms.ChoiceField(label=_("Requester type"),
                                       choices=Ticket.RequesterType.choices)
    requester_name = forms.CharField(label=_("Requester name"), max_length=150)
    account = forms.CharField(
        label=_("Account (user ID or e-mail)"), max_length=150, required=False,
        help_text=_("Links the ticket to the requester's account when known."),
    )
    requester_phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    requester_email = forms.EmailField(label=_("E-mail"), required=False)
    requester_organisation = forms.CharField(label=_("Company or agency"), max_length=200,
                                             required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Ticket.Category.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Ticket.Priority.choices,
                                 initial=Ticket.Priority.NORMAL)
    subject = forms.CharField(label=pgettext_lazy("letter", "Subject"), max_length=200)
    description = forms.CharField(label=_("Question or problem"),
                                  widget=forms.Textarea(attrs={"rows": 3}))
    tender_code = forms.CharField(label=_("Tender code"), max_length=40, required=False)
    answer = forms.CharField(
        label=_("Answer given on the spot"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fill in when the question was answered during the call or visit: the "
                    "ticket is then recorded as resolved."),
    )
    email_answer = forms.BooleanField(label=_("Also e-mail the answer to the requester"),
                                      required=False)

    def clean_account(self) -> User | None:
        value = self.cleaned_data["account"].strip()
        if not value:
            return None
        user = User.objects.filter(Q(username__iexact=value) | Q(email__iexact=value),
                                   is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this user ID or e-mail."))
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("email_answer"):
            account = data.get("account")
            if not data.get("answer", "").strip():
                self.add_error("answer", _("Write the answer to e-mail it to the requester."))
            if not data.get("requester_email") and not (account and account.email) and \
                    "requester_email" not in self.errors and "account" not in self.errors:
                self.add_error("requester_email", _(
                    "Enter the requester's e-mail address to send the answer, or untick "
                    "\"Also e-mail the answer to the requester\"."))
        return data


class _AttachmentMixin(HeldUploadsMixin):
    """An optional attachment; with a `held_scope` (a logged-in requester) a form refused
    for another field keeps it."""

    attachment = forms.FileField(label=_("Attachment"), required=False,
                                 help_text=ATTACHMENT_HELP)


class PublicTicketForm(_AttachmentMixin):
    requester_name = forms.CharField(label=_("Your name"), max_length=150)
    requester_email = forms.EmailField(label=_("Your e-mail"))
    requester_phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    requester_organisation = forms.CharField(label=_("Company or agency"), max_length=200,
                                             required=False)
    requester_type = forms.ChoiceField(label=_("You are"), choices=Ticket.RequesterType.choices,
                                       initial=Ticket.RequesterType.PUBLIC)
    category = forms.ChoiceField(label=_("Category"), choices=Ticket.Category.choices)
    subject = forms.CharField(label=pgettext_lazy("letter", "Subject"), max_length=200)
    description = forms.CharField(label=_("Your question or problem"),
                                  widget=forms.Textarea(attrs={"rows": 5}))
    tender_code = forms.CharField(label=_("Tender code"), max_length=40, required=False)
    # A field people never see: robots that fill every field are refused.
    website = forms.CharField(required=False, label="", widget=forms.HiddenInput)
    field_order = ["requester_name", "requester_email", "requester_phone",
                   "requester_organisation", "requester_type", "category", "subject",
                   "description", "tender_code", "attachment"]

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Request refused."))
        return ""


class AccountTicketForm(_AttachmentMixin):
    category = forms.ChoiceField(label=_("Category"), choices=Ticket.Category.choices)
    subject = forms.CharField(label=pgettext_lazy("letter", "Subject"), max_length=200)
    description = forms.CharField(label=_("Your question or problem"),
                                  widget=forms.Textarea(attrs={"rows": 5}))
    tender_code = forms.CharField(label=_("Tender code"), max_length=40, required=False)
    field_order = ["category", "subject", "description", "tender_code", "attachment"]


class ReplyForm(_AttachmentMixin):
    AFTER_CHOICES = [("open", _("Keep the ticket open")),
                     ("wait", _("Wait for the requester (pause the clock)")),
                     ("resolve", _("Resolve the ticket"))]
    body = forms.CharField(label=_("Answer to the requester"),
                           widget=forms.Textarea(attrs={"rows": 5}))
    after = forms.ChoiceField(label=_("Then"), choices=AFTER_CHOICES, initial="open",
                              widget=forms.RadioSelect)


class NoteForm(_AttachmentMixin):
    body = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none(),
                                      required=False, empty_label=_("(nobody)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = handlers()  # type: ignore[attr-defined]


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Ticket.Priority.choices)


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into ticket number"), max_length=20,
                           help_text=_("For example HD-2026-00012."))


class LkppForm(forms.Form):
    reference = forms.CharField(label=_("LKPP reference number"), max_length=80)
    summary = forms.CharField(label=_("What was sent to LKPP"),
                              widget=forms.Textarea(attrs={"rows": 3}))


class LkppUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("LKPP status"), choices=LkppEscalation.Status.choices)
    answer = forms.CharField(label=_("LKPP's answer"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class RequesterMessageForm(_AttachmentMixin):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}))


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer?"), coerce=int,
        choices=[(5, _("5 – very satisfied")), (4, _("4 – satisfied")), (3, _("3 – neutral")),
                 (2, _("2 – dissatisfied")), (1, _("1 – very dissatisfied"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class CannedResponseForm(forms.ModelForm[CannedResponse]):
    class Meta:
        model = CannedResponse
        fields = ["title", "category", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}


class ArticleForm(forms.ModelForm[Article]):
    class Meta:
        model = Article
        fields = ["title", "category", "body", "keywords", "is_published"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label=pgettext_lazy("start of a period", "From"), widget=DATE_INPUT)
    end = forms.DateField(label=pgettext_lazy("end of a period", "To"), widget=DATE_INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start must not be after the end."))
        return data


class DiagnosticsRetryForm(forms.Form):
    """Outcome "no fault, please retry" (Lampiran III 3.7 step 3)."""

    conclusion = forms.CharField(label=_("What the diagnostics showed"),
                                 widget=forms.Textarea(attrs={"rows": 3}))
    message = forms.CharField(label=_("Message to the vendor"),
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("E-mailed to the vendor; the ticket is resolved."))


class DiagnosticsLkppForm(forms.Form):
    """Outcome "forward to LKPP" (Lampiran III 3.7 step 4)."""

    conclusion = forms.CharField(label=_("What the diagnostics showed"),
                                 widget=forms.Textarea(attrs={"rows": 3}))
    reference = forms.CharField(label=_("LKPP reference number"), max_length=80)
    summary = forms.CharField(label=_("What was sent to LKPP"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Optional; the conclusion is used when empty."))


class SupportSessionForm(forms.Form):
    minutes = forms.TypedChoiceField(label=_("Duration of the read-only access"), coerce=int,
                                     initial=30, choices=SUPPORT_DURATIONS)


class ServiceLevelsForm(forms.Form):
    """The three targets of every priority, in working minutes, on one page."""

    KINDS = (
        ("first_response", _("First response")),
        ("update", _("Update")),
        ("resolution", _("Resolution")),
    )

    def __init__(self, *args: Any, levels: dict[str, ServiceLevel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[str, str, list[forms.BoundField]]] = []
        for priority, label in Ticket.Priority.choices:
            names = []
            for kind, kind_label in self.KINDS:
                name = f"{priority}_{kind}"
                self.fields[name] = forms.IntegerField(
                    label=f"{label} — {kind_label}", min_value=1, max_value=max_minutes(),
                    initial=getattr(levels[priority], kind))
                names.append(name)
            self.rows.append((priority, str(label), [self[n] for n in names]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for priority, label in Ticket.Priority.choices:
            first, update, resolution = (data.get(f"{priority}_{k}") for k, _l in self.KINDS)
            if first and resolution and first > resolution:
                self.add_error(f"{priority}_first_response", _(
                    "%(priority)s: the first response cannot be due after the resolution.")
                    % {"priority": label})
            if update and resolution and update > resolution:
                self.add_error(f"{priority}_update", _(
                    "%(priority)s: an update cannot be due after the resolution.")
                    % {"priority": label})
        return data

    def levels(self) -> dict[str, ServiceLevel]:
        return {priority: ServiceLevel(**{k: self.cleaned_data[f"{priority}_{k}"]
                                          for k, _l in self.KINDS})
                for priority, _label in Ticket.Priority.choices}
