"""Input parsing for the vendors pages. Business rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lpse.core.calendar import localdate_wib
from lpse.core.files import LETTER_POLICY, SCAN_POLICY, FilePolicy
from lpse.core.forms import PolicyFileField
from lpse.core.held_uploads import HeldUploadsMixin
from lpse.vendors.models import BlacklistEntry, BusinessLicence, Deed, Vendor, VendorDocument
from lpse.vendors.regions import PROVINCES
from lpse.vendors.services import (
    DeedData,
    LicenceData,
    RegistrationData,
    expired_licence_message,
)
from lpse.vendors.validators import validate_nib, validate_nik, validate_npwp, validate_user_id

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScanField(PolicyFileField):
    def __init__(self, *args: Any, policy: FilePolicy = SCAN_POLICY, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("PDF, JPEG or PNG, at most %(mb)s MB.")
                          % {"mb": policy.max_bytes // (1024 * 1024)})
        super().__init__(*args, policy=policy, **kwargs)


# --- Registration ----------------------------------------------------------------------------


class RegistrationEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Company e-mail"), max_length=254,
        help_text=_("An active address of the company whose password you know: the "
                    "registration link and all messages from LPSE go there."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)


class UserIdField(forms.CharField):
    """A user ID, lower-cased before the validators run ("PT.Tiga" is "pt.tiga")."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).lower()


class RegistrationForm(HeldUploadsMixin):
    business_form = forms.ChoiceField(label=_("Form of business"),
                                      choices=Vendor.BusinessForm.choices)
    name = forms.CharField(label=_("Company name"), max_length=200,
                           help_text=_("Without the form of business (PT, CV…)."))
    npwp = forms.CharField(label=_("NPWP"), max_length=25, validators=[validate_npwp],
                           help_text=_("15 or 16 digits, e.g. 01.855.081.4-412.000."))
    nib = forms.CharField(label=_("NIB"), max_length=20, required=False,
                          help_text=_("13 digits; required except for individuals."))
    address = forms.CharField(label=_("Address"), max_length=300)
    province = forms.ChoiceField(label=_("Province"), choices=[("", "—"), *PROVINCES],
                                 initial="Jawa Barat")
    regency = forms.CharField(label=_("Regency / city"), max_length=100)
    postal_code = forms.RegexField(label=_("Postal code"), regex=r"^\d{5}$", required=False,
                                   error_messages={"invalid": _("Five digits.")})
    phone = forms.RegexField(label=_("Phone"), regex=r"^\+?[\d\s()-]{6,20}$", max_length=40,
                             error_messages={"invalid": _("Enter a phone number.")})
    director_name = forms.CharField(label=_("Director's name"), max_length=150)
    director_position = forms.CharField(label=_("Director's position"), max_length=100,
                                        initial="Direktur")
    director_nik = forms.CharField(label=_("Director's NIK"), max_length=20,
                                   validators=[validate_nik],
                                   help_text=_("16 digits, as on the KTP."))
    # Required except for individuals (Perorangan), who have a deed only if the business was
    # established by one ("Akta pendirian, bila ada"): checked in clean().
    establishment_number = forms.CharField(
        label=_("Deed of establishment: number"), max_length=60, required=False,
        help_text=_("Required except for individuals (Perorangan): for them only if the "
                    "business has a deed."))
    establishment_date = forms.DateField(label=_("Deed of establishment: date"), widget=DATE,
                                         required=False)
    establishment_notary = forms.CharField(label=_("Deed of establishment: notary"),
                                           max_length=150, required=False)
    amendment_number = forms.CharField(label=_("Latest amendment: number"), max_length=60,
                                       required=False)
    amendment_date = forms.DateField(label=_("Latest amendment: date"), widget=DATE,
                                     required=False)
    amendment_notary = forms.CharField(label=_("Latest amendment: notary"), max_length=150,
                                       required=False)
    user_id = UserIdField(
        label=_("User ID"), max_length=30, validators=[validate_user_id],
        help_text=_("4–30 lower-case letters, digits, dots, dashes or underscores."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    scan_ktp = ScanField(label=_("Scan: director's KTP"))
    scan_npwp = ScanField(label=_("Scan: NPWP"))
    scan_deed_establishment = ScanField(label=_("Scan: deed of establishment"))
    scan_deed_amendment = ScanField(label=_("Scan: latest amendment"))
    scan_licence = ScanField(label=_("Scan: business licence"))

    SCAN_KINDS = {
        "scan_ktp": VendorDocument.Kind.KTP,
        "scan_npwp": VendorDocument.Kind.NPWP,
        "scan_deed_establishment": VendorDocument.Kind.DEED_ESTABLISHMENT,
        "scan_deed_amendment": VendorDocument.Kind.DEED_AMENDMENT,
        "scan_licence": VendorDocument.Kind.LICENCE,
    }
    SECTIONS = [
        (_("Company"), ["business_form", "name", "npwp", "nib"]),
        (_("Address and contact"), ["address", "province", "regency", "postal_code", "phone"]),
        (_("Director"), ["director_name", "director_position", "director_nik"]),
        (_("Deeds"), ["establishment_number", "establishment_date", "establishment_notary",
                      "amendment_number", "amendment_date", "amendment_notary"]),
        (_("Account"), ["user_id"]),
        (_("Scans (optional)"), list(SCAN_KINDS)),
    ]

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        form_of_business = data.get("business_form")
        if (form_of_business and form_of_business != Vendor.BusinessForm.PERORANGAN
                and not data.get("nib") and "nib" not in self.errors):
            self.add_error("nib", _("The NIB is required for this form of business."))
        if data.get("nib"):
            try:
                validate_nib(data["nib"])
            except ValidationError as exc:
                self.add_error("nib", exc)
        deed_parts = ("number", "date", "notary")
        establishment = {k: data.get(f"establishment_{k}") for k in deed_parts}
        individual = form_of_business == Vendor.BusinessForm.PERORANGAN
        if form_of_business and not individual:
            for k, value in establishment.items():
                if not value and f"establishment_{k}" not in self.errors:
                    self.add_error(f"establishment_{k}", _(
                        "The deed of establishment is required for this form of business."))
        elif any(establishment.values()) and not all(establishment.values()):
            self.add_error("establishment_number", _(
                "Fill in the number, date and notary of the deed of establishment, or leave "
                "all three empty."))
        amendment = [data.get(f"amendment_{k}") for k in deed_parts]
        if any(amendment) and not all(amendment):
            self.add_error("amendment_number", _(
                "Fill in the number, date and notary of the amendment, or leave all three "
                "empty."))
        return data

    def registration_data(self, licences: list[LicenceData]) -> RegistrationData:
        d = self.cleaned_data
        amendment = None
        if d.get("amendment_number"):
            amendment = DeedData(d["amendment_number"], d["amendment_date"],
                                 d["amendment_notary"])
        return RegistrationData(
            business_form=d["business_form"], name=d["name"], npwp=d["npwp"],
            nib=d.get("nib", ""), address=d["address"], province=d["province"],
            regency=d["regency"], postal_code=d.get("postal_code", ""), phone=d["phone"],
            director_name=d["director_name"], director_position=d["director_position"],
            director_nik=d["director_nik"], user_id=d["user_id"],
            establishment=DeedData(d["establishment_number"], d["establishment_date"],
                                   d["establishment_notary"])
            if d.get("establishment_number") else None,
            amendment=amendment, licences=licences,
            scans={kind: d[name] for name, kind in self.SCAN_KINDS.items() if d.get(name)},
        )


class LicenceForm(forms.Form):
    # An empty first choice: an untouched extra row of the formset stays "unchanged".
    kind = forms.ChoiceField(label=_("Licence type"),
                             choices=[("", "—"), *BusinessLicence.Kind.choices])
    number = forms.CharField(label=_("Licence number"), max_length=80)
    issued_by = forms.CharField(label=_("Issued by"), max_length=150, required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE, required=False)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False,
                                  help_text=_("Empty: no end date."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from lpse.vendors.business_fields import business_field_form_field

        self.fields["business_fields"] = business_field_form_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity is before its start."))
        elif end and end < localdate_wib():
            self.add_error("valid_until", expired_licence_message(end))
        return data

    def licence_data(self) -> LicenceData:
        d = self.cleaned_data
        fields = d.get("business_fields") or []
        return LicenceData(kind=d["kind"], number=d["number"], issued_by=d.get("issued_by", ""),
                           valid_from=d.get("valid_from"), valid_until=d.get("valid_until"),
                           business_field_ids=[f.pk for f in fields])


class BaseLicenceFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            key = (form.cleaned_data.get("kind"), form.cleaned_data.get("number"))
            if key in seen:
                raise ValidationError(_("The same licence is entered twice."))
            seen.add(key)

    def licences(self) -> list[LicenceData]:
        return [form.licence_data() for form in self.forms
                if form.has_changed() and form.cleaned_data]


LicenceFormSet = forms.formset_factory(
    LicenceForm, formset=BaseLicenceFormSet, extra=2, min_num=1, validate_min=True, max_num=10,
    validate_max=True,
)


# --- Verification desk -------------------------------------------------------------------------


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(label=_("Data to correct"))
    value = forms.CharField(label=_("Correct value"), max_length=300, required=False)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), widget=forms.RadioSelect,
        choices=[("approved", _("Approve: the documents are complete and match")),
                 ("incomplete", _("Incomplete: the vendor comes back (deadline unchanged)")),
                 ("rejected", _("Reject the registration"))],
    )
    reason = forms.CharField(label=_("Reason / what is missing"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))


# --- Vendor profile ----------------------------------------------------------------------------


class ContactForm(forms.Form):
    address = forms.CharField(label=_("Address"), max_length=300)
    province = forms.ChoiceField(label=_("Province"), choices=PROVINCES)
    regency = forms.CharField(label=_("Regency / city"), max_length=100)
    postal_code = forms.RegexField(label=_("Postal code"), regex=r"^\d{5}$", required=False,
                                   error_messages={"invalid": _("Five digits.")})
    phone = forms.RegexField(label=_("Phone"), regex=r"^\+?[\d\s()-]{6,20}$", max_length=40,
                             error_messages={"invalid": _("Enter a phone number.")})


class LegalForm(forms.Form):
    business_form = forms.ChoiceField(label=_("Form of business"),
                                      choices=Vendor.BusinessForm.choices)
    name = forms.CharField(label=_("Company name"), max_length=200)
    npwp = forms.CharField(label=_("NPWP"), max_length=25, validators=[validate_npwp])
    nib = forms.CharField(label=_("NIB"), max_length=20, required=False)
    director_name = forms.CharField(label=_("Director's name"), max_length=150)
    director_position = forms.CharField(label=_("Director's position"), max_length=100)
    director_nik = forms.CharField(label=_("Director's NIK"), max_length=20,
                                   validators=[validate_nik])


class DeedForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Deed
        fields = ["number", "date", "notary"]
        widgets = {"date": DATE}


class ScanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=VendorDocument.Kind.choices)
    file = ScanField(label=_("File"), required=True)


class EmailChangeForm(HeldUploadsMixin):
    new_email = forms.EmailField(label=_("New company e-mail"), max_length=254)
    statement = ScanField(
        label=_("Signed statement letter"), required=True, policy=LETTER_POLICY,
        help_text=_("The letter requesting the change, signed by the director (PDF, JPEG or "
                    "PNG, at most 10 MB)."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class EmailCheckForm(forms.Form):
    statement_signed = forms.BooleanField(
        label=_("The statement letter is signed by the director"), required=False)
    ktp_original_seen = forms.BooleanField(
        label=_("The director's original KTP was shown and matches"), required=False)
    deed_seen = forms.BooleanField(label=_("The company deed was shown and matches"),
                                   required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


# --- Blacklist --------------------------------------------------------------------------------


class BlacklistForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = BlacklistEntry
        fields = ["company_name", "npwp", "nik", "source_reference", "starts_on", "ends_on",
                  "notes"]
        widgets = {"starts_on": DATE, "ends_on": DATE,
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, length in (("npwp", 25), ("nik", 20)):
            field: Any = self.fields[name]
            field.max_length = length
            field.validators = []
            field.widget.attrs["maxlength"] = length

    def _post_clean(self) -> None:
        # Normalisation and validation happen in the service (blacklist_add / _update).
        pass


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE, required=False)
    end = forms.DateField(label=_("Until"), widget=DATE, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError(_("The end of the period is before its start."))
        return data
