from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lpse.accounts.lockout import ip_is_capped
from lpse.accounts.models import Agency, User, WorkUnit
from lpse.accounts.roles import Role, grantable_roles
from lpse.accounts.validators import normalise_nip, validate_nip
from lpse.core.request_context import client_ip


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("User ID or e-mail"), max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username",
                                      "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "The user ID/e-mail or password is not correct. After 5 failed attempts, "
            "logging in from this address is blocked for 15 minutes."
        ),
        "inactive": _("This account is not active."),
        "ip_capped": _(
            "Too many failed logins from your network. Please wait 15 minutes and try again."
        ),
    }

    def clean(self) -> dict[str, Any]:
        if self.request is not None and ip_is_capped(client_ip(self.request)):
            raise ValidationError(self.error_messages["ip_capped"], code="ip_capped")
        return super().clean()


def _relabel_new_password(form: forms.Form) -> None:
    form.fields["new_password1"].label = _("New password")
    form.fields["new_password2"].label = _("Repeat the new password")


class LpseSetPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _relabel_new_password(self)


class LpsePasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        _relabel_new_password(self)


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(label=_("User ID or e-mail"), max_length=254)


class TwoFactorTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"), max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
    )


class OfficialForm(forms.Form):
    username = forms.CharField(label=_("User ID"), max_length=150,
                               help_text=_("Letters, digits and @ . + - _ only."))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    nip = forms.CharField(label=_("NIP"), max_length=24, required=False,
                          help_text=_("18 digits. Required for civil servants."))
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(),
                                    required=False)
    work_unit = forms.ModelChoiceField(label=_("Work unit"), queryset=WorkUnit.objects.none(),
                                       required=False)

    def __init__(self, *args: Any, actor: User, editing: User | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = grantable_roles(actor)
        role_field = cast(forms.MultipleChoiceField, self.fields["roles"])
        role_field.choices = [(r.value, r.label) for r in Role if r in allowed]
        unit_field = cast(forms.ModelChoiceField, self.fields["work_unit"])  # type: ignore[type-arg]
        if Role.SYSADMIN in actor.role_set:
            agency_field = cast(forms.ModelChoiceField, self.fields["agency"])  # type: ignore[type-arg]
            agency_field.queryset = Agency.objects.filter(is_active=True)
            agency_field.help_text = _("Required for an agency administrator.")
            unit_field.queryset = WorkUnit.objects.filter(is_active=True)
        else:
            del self.fields["agency"]
            unit_field.queryset = WorkUnit.objects.filter(
                agency_id=actor.agency_id or 0, is_active=True
            )
        if editing is not None:
            del self.fields["username"]
            del self.fields["roles"]
            self.fields.pop("agency", None)
            unit_field.queryset = WorkUnit.objects.filter(
                agency_id=editing.agency_id or 0, is_active=True
            )

    def clean_username(self) -> str:
        username = str(self.cleaned_data.get("username", "")).strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user ID is already taken."))
        return username

    def clean_nip(self) -> str:
        nip = normalise_nip(self.cleaned_data.get("nip", ""))
        if nip:
            validate_nip(nip)
        return nip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        roles = set(data.get("roles", []))
        if roles & {Role.PPK, Role.COMMITTEE, Role.PROCUREMENT_OFFICER, Role.BUDGET_OWNER,
                    Role.AGENCY_ADMIN} and not data.get("nip") and "nip" not in self.errors:
            self.add_error("nip", _("A NIP is required for agency officials."))
        return data


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = grantable_roles(actor)
        cast(forms.MultipleChoiceField, self.fields["roles"]).choices = [
            (r.value, r.label) for r in Role if r in allowed
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AgencyForm(forms.ModelForm[Agency]):
    class Meta:
        model = Agency
        fields = ["code", "name", "kind", "address", "phone", "email"]


class WorkUnitForm(forms.ModelForm[WorkUnit]):
    class Meta:
        model = WorkUnit
        fields = ["code", "name"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100,
                           help_text=_("What the token is for, e.g. “LKPP monitoring”."))
    days = forms.TypedChoiceField(
        label=_("Valid for"), coerce=int, initial=90,
        choices=[(30, _("30 days")), (90, _("90 days")), (365, _("1 year")),
                 (0, _("No expiry"))],
    )


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["phone", "preferred_language"]
