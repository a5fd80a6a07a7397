from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lpse.core.files import JPEG, PDF, PNG, ZIP, FilePolicy, megabytes, sniff_type
from lpse.core.models import Holiday
from lpse.core.numbers import parse_decimal_id

_EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg,.jpeg", PNG: ".png", ZIP: ".zip"}


def add_service_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: under the fields it names when the form
    has them, otherwise as a non-field error, so that nothing the user must read is lost."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def check_upload(upload: Any, policy: FilePolicy) -> Any:
    """Early check of an upload (size and type by content) so the form shows the error
    next to the field; the service checks again while storing."""
    if upload is None:
        return None
    if upload.size is not None and upload.size > policy.max_bytes:
        raise ValidationError(
            _("The file is larger than the limit of %(limit)s MB."),
            params={"limit": megabytes(policy.max_bytes)}, code="too_large",
        )
    head = upload.read(8192)
    upload.seek(0)
    if not head:
        raise ValidationError(_("The file is empty."), code="empty")
    if sniff_type(head) not in policy.allowed_types:
        raise ValidationError(
            _("This file type is not accepted. Accepted types: %(types)s."),
            params={"types": policy.describe_types()}, code="type",
        )
    return upload


class PolicyFileField(forms.FileField):
    """A file field checked against a FilePolicy (size, type by content) when the form is
    validated; the browser's file chooser offers the policy's types."""

    def __init__(self, *args: Any, policy: FilePolicy, **kwargs: Any) -> None:
        self.policy = policy
        kwargs.setdefault("help_text", _("%(types)s, at most %(mb)s MB.") % {
            "types": policy.describe_types(), "mb": policy.max_bytes // (1024 * 1024)})
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ",".join(
            _EXTENSIONS[t] for t in sorted(policy.allowed_types) if t in _EXTENSIONS))

    def clean(self, data: Any, initial: Any = None) -> Any:
        return check_upload(super().clean(data, initial), self.policy)


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


class RupiahField(forms.DecimalField):
    """An amount typed the Indonesian way ("1.000.000", "1.000.000,50", "Rp 1.000.000") or
    plainly ("1000000"); a text input, since a number input refuses the dots."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            parsed = parse_decimal_id(value)
            if parsed is not None:
                return super().to_python(str(parsed))
        return super().to_python(value)
