"""Input parsing for the tender pages (rules live in the services)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lpse.accounts.models import User, WorkUnit
from lpse.accounts.roles import Role
from lpse.catalog.models import (
    BusinessField,
    EvaluationMethod,
    FileMethod,
    FundingSource,
    ProcurementCategory,
    QualificationType,
    SelectionMethod,
)
from lpse.core.calendar import to_wib
from lpse.core.forms import PolicyFileField
from lpse.core.forms import add_service_errors as core_add_service_errors
from lpse.core.held_uploads import HeldUploadsMixin
from lpse.tenders.models import Committee, CommitteeMember, Objection, TenderDocument
from lpse.tenders.schedule import StageWindow
from lpse.tenders.services.prequalification import SUBMISSION_POLICY
from lpse.tenders.stages import StageCode, StagePlan

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MONEY_FIELD: dict[str, Any] = {"max_digits": 18, "decimal_places": 2, "min_value": 0}


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = to_wib(value).replace(tzinfo=None)
        return super().format_value(value)  # type: ignore[no-any-return]


def _datetime_field(label: StrOrPromise) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=DateTimeLocalInput(),
                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class PackageForm(forms.Form):
    name = forms.CharField(label=_("Package name"), max_length=300)
    work_unit = forms.ModelChoiceField(label=_("Work unit"), queryset=WorkUnit.objects.none(),
                                       required=False)
    category = forms.ModelChoiceField(label=_("Procurement category"),
                                      queryset=ProcurementCategory.objects.filter(is_active=True))
    method = forms.ModelChoiceField(label=_("Selection method"),
                                    queryset=SelectionMethod.objects.filter(is_active=True))
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    funding_source = forms.ModelChoiceField(label=_("Funding source"),
                                            queryset=FundingSource.objects.filter(is_active=True))
    budget_ceiling = forms.DecimalField(label=_("Budget ceiling (pagu), Rp"), **MONEY_FIELD)
    owner_estimate = forms.DecimalField(label=_("Owner's estimate (HPS), Rp"), **MONEY_FIELD)
    location = forms.CharField(label=_("Location"), max_length=300)
    rup_code = forms.CharField(label=_("RUP code"), max_length=30, required=False)
    business_fields = forms.ModelMultipleChoiceField(
        label=_("Required business fields"), required=False,
        queryset=BusinessField.objects.filter(is_active=True).order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 8}))
    qualification_requirements = forms.CharField(
        label=_("Qualification requirements"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, agency_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_unit"].queryset = WorkUnit.objects.filter(  # type: ignore[attr-defined]
            agency_id=agency_id or 0, is_active=True)


class CommitteeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Committee.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    decree_number = forms.CharField(label=_("Decree number (SK)"), max_length=100,
                                    required=False)
    decree_date = forms.DateField(label=_("Decree date"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("A committee: an odd number of members, at least three. A procurement "
                    "officer: one person."))
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=User.objects.none(),
                                   required=False)

    def __init__(self, *args: Any, agency_id: int | None = None, editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(
            agency_id=agency_id or 0, is_active=True,
            role_assignments__role__in=[Role.COMMITTEE, Role.PROCUREMENT_OFFICER],
        ).distinct().order_by("full_name")
        self.fields["members"].queryset = people  # type: ignore[attr-defined]
        self.fields["chair"].queryset = people  # type: ignore[attr-defined]
        self.fields["members"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u.full_name} ({u.username})")
        if editing:
            self.fields["kind"].disabled = True

    def member_positions(self) -> list[tuple[User, str]]:
        chair = self.cleaned_data.get("chair")
        return [(user, CommitteeMember.Position.CHAIR if chair and user.pk == chair.pk
                 else CommitteeMember.Position.MEMBER)
                for user in self.cleaned_data["members"]]


class HandOverForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("Committee or procurement officer"),
                                       queryset=Committee.objects.none())

    def __init__(self, *args: Any, queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if queryset is not None:
            self.fields["committee"].queryset = queryset  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class TenderSettingsForm(forms.Form):
    name = forms.CharField(label=_("Tender name"), max_length=300)
    qualification = forms.ModelChoiceField(label=_("Qualification"),
                                           queryset=QualificationType.objects.filter(
                                               is_active=True))
    file_method = forms.ModelChoiceField(label=_("File method"),
                                         queryset=FileMethod.objects.filter(is_active=True))
    evaluation_method = forms.ModelChoiceField(label=_("Evaluation method"),
                                               queryset=EvaluationMethod.objects.none())
    technical_weight = forms.DecimalField(
        label=_("Technical weight (%)"), required=False, max_digits=5, decimal_places=2,
        help_text=_("Only for the quality and cost method (1–99 %); empty for the others."))
    technical_threshold = forms.DecimalField(
        label=_("Technical passing score"), required=False, max_digits=5, decimal_places=2,
        help_text=_("Only for the methods that score the technical proposal (0–100); empty "
                    "for a pass or fail evaluation."))
    requirements = forms.CharField(label=_("Participation and qualification requirements"),
                                   required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, category_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluation_method"].queryset = (  # type: ignore[attr-defined]
            EvaluationMethod.objects.filter(is_active=True, categories=category_id))


class ScheduleForm(forms.Form):
    """Two fields per stage of the plan: `<stage>_start` and `<stage>_end` (WIB)."""

    def __init__(self, *args: Any, plan: StagePlan, only: set[StageCode] | None = None,
                 with_reason: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.stage_codes = [s for s in plan.stages if only is None or s in only]
        for stage in self.stage_codes:
            label = StageCode(stage).label
            self.fields[f"{stage}_start"] = _datetime_field(
                _("%(stage)s — start") % {"stage": label})
            self.fields[f"{stage}_end"] = _datetime_field(
                _("%(stage)s — end") % {"stage": label})
        if with_reason:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Mandatory. It is shown to every participant and in the public "
                            "history of the schedule."))

    @staticmethod
    def initial_from(windows: dict[StageCode, StageWindow]) -> dict[str, datetime]:
        initial: dict[str, datetime] = {}
        for stage, window in windows.items():
            initial[f"{stage}_start"] = window.starts_at
            initial[f"{stage}_end"] = window.ends_at
        return initial

    def windows(self) -> dict[StageCode, StageWindow]:
        return {stage: StageWindow(self.cleaned_data[f"{stage}_start"],
                                   self.cleaned_data[f"{stage}_end"])
                for stage in self.stage_codes}

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(str(StageCode(stage).label), self[f"{stage}_start"], self[f"{stage}_end"])
                for stage in self.stage_codes]

    def add_stage_errors(self, errors: dict[str, list[str]]) -> None:
        for stage, messages in errors.items():
            field = f"{stage}_end" if f"{stage}_end" in self.fields else None
            for message in messages:
                self.add_error(field, message)


class HeldFileInput(forms.ClearableFileInput):
    """A file input that drops `required` from the page once a file is held: the browser
    would otherwise refuse the form until the user chose the file again."""

    held = False

    def use_required_attribute(self, initial: Any) -> bool:
        return super().use_required_attribute(initial) and not self.held


class DocumentForm(HeldUploadsMixin):
    """A version of the tender documents; refused (an addendum without its reason, say), the
    page keeps the file — up to 50 MB — rather than asking for it again."""

    kind = forms.ChoiceField(label=_("Kind"), choices=TenderDocument.Kind.choices,
                             help_text=_("The qualification documents are for every "
                                         "participant; the selection documents only for the "
                                         "vendors who pass the prequalification."))
    title = forms.CharField(label=_("Title"), max_length=200,
                            initial=_("Tender documents (Dokumen Pemilihan)"))
    file = forms.FileField(label=_("File (PDF or ZIP)"), widget=HeldFileInput)
    reason = forms.CharField(label=_("Reason for the addendum"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, prequalification: bool = False,
                 kind: str = TenderDocument.Kind.SELECTION,
                 addendum_kinds: Collection[str] = (), **kwargs: Any) -> None:
        """`kind`: the kind the committee most likely uploads next (a prequalification's
        qualification documents first, then its selection documents). `addendum_kinds`: the
        kinds a new version would amend (published documents of that kind exist): the reason
        is asked only for an addendum."""
        super().__init__(*args, **kwargs)
        kinds = set(TenderDocument.Kind.values) if prequalification else {
            TenderDocument.Kind.SELECTION}
        amended = kinds & set(addendum_kinds)
        #: Whatever the committee uploads is an addendum (its reason is required).
        self.is_addendum = amended == kinds
        if not amended:
            del self.fields["reason"]
        elif self.is_addendum:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = _(
                "An addendum needs its reason.")
        else:
            self.fields["reason"].help_text = _(
                "Only for an addendum: a new version of documents of a kind already "
                "published. Participants are e-mailed.")
        if not prequalification:
            del self.fields["kind"]
            return
        self.fields["kind"].initial = kind
        if kind == TenderDocument.Kind.QUALIFICATION:
            self.fields["title"].initial = _("Qualification documents (Dokumen Kualifikasi)")

    def hold_uploads(self) -> None:
        super().hold_uploads()
        cast(HeldFileInput, self.fields["file"].widget).held = "file" in self.held


class JoinForm(forms.Form):
    accept_pact = forms.BooleanField(
        label=_("I have read the integrity pact and accept it on behalf of my company"),
        required=False)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class OfferForm(forms.Form):
    amount = forms.DecimalField(label=_("Offer price (Rp)"), **MONEY_FIELD)


_PASS_FAIL = [("", _("Not evaluated")), ("1", _("Pass")), ("0", _("Fail"))]


def _pass_fail(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=_PASS_FAIL, required=False, empty_value=None,
        coerce=lambda v: v == "1")


class EvaluationForm(forms.Form):
    """The steps in the order of the knockout system (sistem gugur): administrative,
    technical, price, qualification."""

    administrative_passed = _pass_fail(_("Administrative evaluation"))
    administrative_notes = forms.CharField(label=_("Administrative notes"), required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}))
    technical_passed = _pass_fail(_("Technical evaluation"))
    technical_score = forms.DecimalField(label=_("Technical score (0–100)"), required=False,
                                         max_digits=5, decimal_places=2, min_value=0,
                                         max_value=100)
    technical_notes = forms.CharField(label=_("Technical notes"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    corrected_price = forms.DecimalField(label=_("Corrected price (Rp)"), required=False,
                                         **MONEY_FIELD)
    price_passed = _pass_fail(_("Price evaluation"))
    price_notes = forms.CharField(label=_("Price notes"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    qualification_passed = _pass_fail(_("Qualification evaluation"))
    qualification_notes = forms.CharField(label=_("Qualification notes"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, uses_scores: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if uses_scores:
            del self.fields["technical_passed"]
        else:
            del self.fields["technical_score"]
        for step in ("administrative", "technical", "price", "qualification"):
            self.fields[f"{step}_notes"].help_text = _(
                "Required when the bid fails this step: the reason is published with the "
                "results and printed in the minutes (BAHP).")
        for field in ("technical_passed", "technical_score", "price_passed",
                      "qualification_passed"):
            if field in self.fields:
                self.fields[field].help_text = _(
                    "Only when the bid passed the steps above; after a failure leave it "
                    "“Not evaluated”.")


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("Your objection"), widget=forms.Textarea(attrs={"rows": 5}))


class QualificationForm(HeldUploadsMixin):
    """A participant's qualification data in a prequalification (isian kualifikasi)."""

    experience = forms.CharField(
        label=_("Experience"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Similar work in the last four years: name, owner, year, value."))
    personnel = forms.CharField(
        label=_("Key personnel"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names, positions and certificates of competence."))
    equipment = forms.CharField(label=_("Main equipment"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    file = PolicyFileField(
        label=_("Qualification documents"), required=False, policy=SUBMISSION_POLICY,
        help_text=_("One PDF with the documents the requirements ask for (licences, tax, "
                    "experience, personnel), at most 20 MB. Required the first time; when "
                    "you resubmit, leave it empty to keep the earlier file."))


class QualificationEvaluationForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Result"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("Qualified")), ("0", _("Not qualified"))])
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Required when the vendor does not qualify: the "
                                        "vendor reads it."))


class ObjectionAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))
    # No default: the committee must choose (an upheld objection reopens the result).
    outcome = forms.ChoiceField(label=_("Outcome"),
                                choices=[("", _("— choose —")), *Objection.Outcome.choices])


class ReevaluationForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the re-evaluation"),
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Published in the schedule's change history and "
                                         "printed on the new minutes."))
    announce_at = _datetime_field(_("New winner announcement (WIB)"))
    announce_at.help_text = _("The winner determination runs until then; a new objection "
                              "period starts with the announcement.")


class ContractForm(forms.Form):
    number = forms.CharField(label=_("Contract number"), max_length=120)
    signed_on = forms.DateField(label=_("Signed on"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(label=_("Contract value (Rp)"), **MONEY_FIELD)
    starts_on = forms.DateField(label=_("Work starts"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Work ends"),
                              widget=forms.DateInput(attrs={"type": "date"}))


class RejectForm(forms.Form):
    rejection_reason = forms.CharField(label=_("Reason for rejecting"),
                                       widget=forms.Textarea(attrs={"rows": 3}))


def add_service_errors(form: forms.Form, exc: Any) -> None:
    """As lpse.core.forms.add_service_errors; a schedule form's stage codes go to its stages."""
    if isinstance(form, ScheduleForm) and hasattr(exc, "error_dict"):
        stages = {f: e for f, e in exc.message_dict.items() if f in StageCode.values}
        form.add_stage_errors(stages)
        rest = {f: e for f, e in exc.message_dict.items() if f not in stages}
        if not rest:
            return
        exc = ValidationError(rest)
    core_add_service_errors(form, exc)
