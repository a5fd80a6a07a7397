"""The vendors app's PDFs: registration form, verification record (berita acara
verifikasi) and e-mail change record, issued through lpse.core.documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lpse.core.calendar import to_wib
from lpse.core.documents import document_issue
from lpse.core.models import IssuedDocument
from lpse.core.pdf import PdfDocument, format_date_id
from lpse.core.templatetags.lpse import number
from lpse.vendors.conf import verification_hours, verification_place
from lpse.vendors.models import (
    BusinessLicence,
    EmailChangeRequest,
    Vendor,
    VerificationSession,
)

if TYPE_CHECKING:
    from lpse.accounts.models import User

REGISTRATION_FORM = "vendors.registration_form"
VERIFICATION_RECORD = "vendors.verification_record"
EMAIL_CHANGE_RECORD = "vendors.email_change_record"


def documents_to_bring(vendor: Vendor) -> list[str]:
    """What the vendor shows at the desk (regulation Pasal 4 (2))."""
    items = [
        _("Original identity card (KTP) of the director / owner / authorised officer"),
        _("Deed of establishment of the company and its latest amendment (if any)"),
        _("NPWP of the company (or of the person in charge / the individual)"),
        _("Business licences for the business fields concerned"),
        _("The printed and signed registration form"),
    ]
    if vendor.business_form == Vendor.BusinessForm.PERORANGAN:
        items[1] = _("Deed of establishment, if the business has one")
    return items


def _moment(value: object) -> str:
    return to_wib(value).strftime("%d-%m-%Y %H:%M WIB") if value else "-"  # type: ignore[arg-type]


def _company_rows(vendor: Vendor, *, with_nik: bool) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [
        (_("Registration number"), vendor.registration_number),
        (_("Form of business"), vendor.get_business_form_display()),
        (_("Company name"), vendor.name),
        (_("NPWP"), vendor.npwp_display),
        (_("NIB"), vendor.nib),
        (_("Address"), f"{vendor.address}, {vendor.regency}, {vendor.province} "
                       f"{vendor.postal_code}".strip()),
        (_("Phone"), vendor.phone),
        (_("Company e-mail"), vendor.email),
        (_("Director"), f"{vendor.director_name} ({vendor.director_position})"),
    ]
    if with_nik:
        rows.append((_("Director's NIK"), vendor.director_nik))
    return rows


def _deeds_and_licences(doc: PdfDocument, vendor: Vendor) -> None:
    deeds = list(vendor.deeds.all())
    if deeds:
        doc.section(_("Deeds"))
        doc.table([_("Deed"), _("Number"), _("Date"), _("Notary")],
                  [[d.get_kind_display(), d.number, format_date_id(d.date), d.notary]
                   for d in deeds])
    licences = list(vendor.licences.all())
    if licences:
        doc.section(_("Business licences"))
        doc.table(
            [_("Licence"), _("Number"), _("Valid until"), _("Business fields")],
            [[lic.get_kind_display(), lic.number,
              format_date_id(lic.valid_until) if lic.valid_until else _("no end date"),
              licence_fields_text(lic)] for lic in licences],
        )


def licence_fields_text(licence: BusinessLicence) -> str:
    return ", ".join(f.code for f in licence.business_fields.all())


def registration_form_issue(vendor: Vendor) -> IssuedDocument:
    """The printable registration form (Lampiran I 1.2 step 3): registration number,
    data, deadline, where and when to come, what to bring, and the participation
    statement the director signs."""
    opening, closing = verification_hours()
    doc = PdfDocument(title=_("Vendor registration form"),
                      subtitle=_("Registration number: %(number)s")
                      % {"number": vendor.registration_number})
    doc.key_values([
        *_company_rows(vendor, with_nik=True),
        (_("User ID"), vendor.registered_user_id),
        (_("Registered at"), _moment(vendor.created_at)),
    ])
    _deeds_and_licences(doc, vendor)
    doc.section(_("Verification"))
    doc.key_values([
        (_("Come before"), _moment(vendor.verification_deadline)),
        (_("Where"), verification_place()),
        (_("When"), _("Working days (Monday–Friday except holidays), %(start)s–%(end)s WIB")
         % {"start": opening.strftime("%H:%M"), "end": closing.strftime("%H:%M")}),
    ])
    doc.paragraph(_("Bring these documents:") + "\n" + "\n".join(
        f"{i}. {item}" for i, item in enumerate(documents_to_bring(vendor), start=1)))
    doc.section(_("Statement of participation"))
    doc.paragraph(_(
        "I declare that the data above are true and complete, that I will keep the user ID "
        "and password of this company secret and never give them to anyone, and that I will "
        "follow the rules of the electronic procurement system (SPSE) of %(region)s."
    ) % {"region": settings.LPSE_REGION_NAME})
    doc.signatures(
        [(_("Director / authorised officer"), vendor.director_name, vendor.name),
         (_("Verifier — complete [   ]"), "....................", _("NIP"))],
        place_date=f"{settings.LPSE_REGION_NAME}, "
                   f"{format_date_id(to_wib(vendor.created_at).date())}",
    )
    return document_issue(
        letter_type=REGISTRATION_FORM, code="REG", doc=doc,
        filename=f"formulir-pendaftaran-{vendor.registration_number}.pdf",
        issued_by=None, subject=vendor, numbered=False,
    )


def verification_record_issue(session: VerificationSession, actor: User) -> IssuedDocument:
    """Berita acara verifikasi: the desk checklist, corrections, outcome and service time."""
    vendor = session.vendor
    with translation.override(settings.LANGUAGE_CODE):
        doc = PdfDocument(title=_("Vendor verification record"))
        assert session.finished_at is not None
        doc.paragraph(_(
            "On %(date)s the verifier of %(unit)s examined the company documents of the "
            "vendor below, shown in original by its representative."
        ) % {"date": format_date_id(to_wib(session.finished_at).date()),
             "unit": settings.LPSE_UNIT_NAME})
        doc.key_values(_company_rows(vendor, with_nik=True))
        doc.section(_("Checklist"))
        doc.table(
            [pgettext("row number", "No"), _("Document"), _("Original seen"),
             _("Matches the data"), _("Note")],
            [[i, c.label, _("yes") if c.original_seen else _("no"),
              _("yes") if c.matches else _("no"), c.note]
             for i, c in enumerate(session.checks.all(), start=1)],
        )
        corrections = list(session.corrections.all())
        if corrections:
            doc.section(_("Corrections to the data"))
            doc.table([_("Data"), _("Before"), _("After"), _("Reason")],
                      [[c.label, c.old_value, c.new_value, c.reason] for c in corrections])
        doc.section(_("Result"))
        doc.key_values([
            (_("Kind"), session.get_kind_display()),
            (_("Outcome"), session.get_outcome_display()),
            (_("Reason / what is missing"), session.reason),
            (_("Service started"), _moment(session.started_at)),
            (_("Service finished"), _moment(session.finished_at)),
            (_("Service time"), _("%(minutes)s minutes (standard: 15–30 minutes)")
             % {"minutes": number(session.duration_minutes)}),
        ])
        doc.signatures(
            [(_("Vendor representative"), vendor.director_name, vendor.name),
             (_("Verifier"), actor.full_name, _("NIP %(nip)s") % {"nip": actor.nip}
              if actor.nip else "")],
            place_date=f"{settings.LPSE_REGION_NAME}, "
                       f"{format_date_id(to_wib(session.finished_at).date())}",
        )
        return document_issue(
            letter_type=VERIFICATION_RECORD, code="BAV", doc=doc,
            filename=f"berita-acara-verifikasi-{vendor.registration_number}.pdf",
            issued_by=actor, subject=session,
        )


def email_change_record_issue(change: EmailChangeRequest, actor: User) -> IssuedDocument:
    """Record of an applied company e-mail change (Lampiran III 3.4)."""
    vendor = change.vendor
    with translation.override(settings.LANGUAGE_CODE):
        doc = PdfDocument(title=_("Company e-mail change record"))
        doc.key_values([
            (_("Registration number"), vendor.registration_number),
            (_("Company name"), str(vendor)),
            (_("NPWP"), vendor.npwp_display),
            (_("Old e-mail"), change.old_email),
            (_("New e-mail"), change.new_email),
            (_("Filed"), f"{_moment(change.filed_at)} · {change.filed_by.full_name}"),
            (_("Checked by the verifier"),
             f"{_moment(change.verified_at)} · "
             f"{change.verified_by.full_name if change.verified_by else '-'}"),
            (_("Director's original KTP"), _("seen and matching")),
            (_("Company deed"), _("seen and matching")),
            (_("Statement letter"), _("signed by the director")),
            (_("Applied"), f"{_moment(change.applied_at)} · {actor.full_name}"),
        ])
        doc.signatures(
            [(_("Verifier"), change.verified_by.full_name if change.verified_by else "-",
              change.verified_by.nip if change.verified_by else ""),
             (_("Administrator"), actor.full_name, actor.nip)],
            place_date=f"{settings.LPSE_REGION_NAME}, "
                       f"{format_date_id(to_wib(change.applied_at).date())}"
            if change.applied_at else "",
        )
        return document_issue(
            letter_type=EMAIL_CHANGE_RECORD, code="BAE", doc=doc,
            filename=f"perubahan-email-{vendor.registration_number}.pdf",
            issued_by=actor, subject=change,
        )
