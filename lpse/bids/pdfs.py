"""The official PDFs of sealed bids: the receipt (Bukti Penerimaan Penawaran), the minutes
of opening (Berita Acara Pembukaan Penawaran), the committee's request about an unopenable
file (Surat Permohonan), and the LPSE's witness minutes (Berita Acara Kesaksian)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lpse.bids import serverkeys
from lpse.bids.envelopes import envelope_count, envelope_label
from lpse.core.calendar import localdate_wib
from lpse.core.documents import register_document_access
from lpse.core.pdf import PdfDocument, format_date_id
from lpse.core.templatetags.lpse import filesize, rupiah, wib

if TYPE_CHECKING:
    from lpse.accounts.models import User
    from lpse.bids.models import Bid, Opening, UnopenableCase
    from lpse.core.models import IssuedDocument
    from lpse.tenders.models import Tender

#: Millimetres in PDF points; times printed to the second.
MM = 72 / 25.4
SECONDS = "%d-%m-%Y %H:%M:%S"

RECEIPT = "bids.receipt"
BA_OPENING = "bids.ba_opening"
CASE_REQUEST = "bids.case_request"
BA_WITNESS = "bids.ba_witness"
LETTER_CODES = {RECEIPT: "BPP", BA_OPENING: "BAPP-PEMB", CASE_REQUEST: "SP-FILE",
                BA_WITNESS: "BAK"}


def split_hash(value: str) -> str:
    """A long hex digest in two halves, so table cells can wrap it."""
    return f"{value[:32]} {value[32:]}" if len(value) > 32 else value


def _tender_facts(tender: Tender) -> list[tuple[str, object]]:
    return [
        (_("Tender code"), tender.code),
        (_("Package"), tender.name),
        (_("Agency"), tender.agency.name),
        (_("Selection method"), tender.method.label),
        (_("File method"), tender.file_method.label),
        (_("Upload deadline"), wib(tender.upload_ends_at)),
    ]


def _committee_signatures(tender: Tender) -> list[tuple[str, str, str]]:
    members = sorted(tender.committee.members.all(), key=lambda m: (m.position_rank, m.pk))
    return [(m.get_position_display(), m.user.full_name, f"NIP {m.user.nip}" if m.user.nip
             else "") for m in members]


def receipt_pdf(bid: Bid) -> PdfDocument:
    receipt = bid.receipt
    body = receipt.document["receipt"]
    doc = PdfDocument(title=_("BID RECEIPT (BUKTI PENERIMAAN PENAWARAN)"))
    doc.paragraph(_("The e-procurement system of %(unit)s has received the bid below before "
                    "the deadline. The files are sealed: nobody can read them before the "
                    "committee opens them together after the deadline.")
                  % {"unit": settings.LPSE_UNIT_NAME})
    doc.key_values([
        *_tender_facts(bid.tender),
        (_("Vendor"), f"{body['vendor']['name']} (NPWP {body['vendor']['npwp']})"),
        (_("Bid ID"), body["bid"]["id"]),
        (_("Received at (server time)"), wib(body["server_time"]["utc"], SECONDS)),
        (_("Audit sequence number"), body["audit_seq"]),
        (_("Supersedes the bid"), body["bid"]["supersedes"] or "-"),
    ])
    for envelope in body["envelopes"]:
        fingerprint = _("Key fingerprint")
        doc.section(f"{envelope['label']} — {fingerprint}: {envelope['key_fingerprint']}")
        files = envelope["files"]
        number = pgettext("row number", "No")
        # Two tables, so every column is wide enough for its header and contents on A4
        # (170 mm): the files, then their digests (a 64-digit SHA-256 fits one line).
        doc.table([number, _("File"), _("Size"), _("SHA-256 computed by")],
                  [[str(i), f["name"], filesize(f["size"]),
                    _("server") if f["sha256_checked_by"] == "server" else _("browser")]
                   for i, f in enumerate(files, start=1)],
                  col_widths=[12 * MM, 98 * MM, 24 * MM, 36 * MM])
        digests = []
        for i, f in enumerate(files, start=1):
            digests += [[str(i), _("SHA-256 (document)"), f["sha256"]],
                        ["", _("MD5 (compatibility)"), f["md5"]],
                        ["", _("SHA-256 (sealed segments)"), f["sealed"]["manifest_sha256"]]]
        if digests:
            doc.table([number, _("Digest"), _("Value")], digests,
                      col_widths=[12 * MM, 44 * MM, 114 * MM])
        if "offer_form" in envelope:
            doc.paragraph(_("Offer form (offer price): sealed; SHA-256 of the sealed form "
                            "%(hash)s.") % {"hash": envelope["offer_form"]["sealed_sha256"]})
    doc.paragraph(_("What was checked at upload: the server hashed every segment it encrypted "
                    "and compared it with your browser's segment hash; for files of one "
                    "segment the document SHA-256 was computed by the server. For larger "
                    "files it was computed by your browser and is checked at the opening, "
                    "when every file is decrypted and compared with this receipt."))
    doc.paragraph(_("This receipt is signed with the server's Ed25519 key %(key)s. Verify the "
                    "JSON receipt at %(url)s or offline with tools/verify_receipt.py.")
                  % {"key": receipt.key_id,
                     "url": settings.SITE_URL + "/bids/receipts/verify/"})
    return doc


def _envelope_rows(tender: Tender, bids: Sequence[Bid], envelope: int) -> list[list[Any]]:
    rows = []
    for number, bid in enumerate(bids, start=1):
        files = [f for f in bid.files.all() if f.envelope == envelope]
        for f in files:
            rows.append([str(number), bid.participant.vendor.name, f.name, filesize(f.size),
                         split_hash(f.sha256), f.get_open_status_display()
                         + (f" ({f.open_message})" if f.open_message else "")])
        if not files:
            rows.append([str(number), bid.participant.vendor.name, "-", "-", "-", "-"])
    return rows


def opening_minutes(opening: Opening, bids: Sequence[Bid], not_opened: Sequence[Bid],
                    withdrawn: Sequence[Bid]) -> PdfDocument:
    tender = opening.tender_key.tender
    envelope = opening.tender_key.envelope
    doc = PdfDocument(title=_("MINUTES OF THE BID OPENING (BERITA ACARA PEMBUKAAN "
                              "PENAWARAN)"))
    doc.paragraph(_("On %(date)s the committee %(committee)s opened the electronic bids of the "
                    "tender below after the upload deadline. The tender key was rebuilt from "
                    "the shares of %(k)s of its %(n)s members at %(time)s and every bid was "
                    "decrypted and checked against its signed receipt.")
                  % {"date": format_date_id(localdate_wib()),
                     "committee": tender.committee.name, "k": opening.tender_key.threshold,
                     "n": opening.tender_key.share_count, "time": wib(opening.key_rebuilt_at)})
    facts = _tender_facts(tender)
    facts += [(_("Envelope"), envelope_label(tender, envelope)),
              (_("Key fingerprint"), opening.tender_key.fingerprint),
              (_("Members who unlocked their shares"),
               ", ".join(f"{u.member.full_name} ({wib(u.unlocked_at)})"
                         for u in opening.unlocks.select_related("member")))]
    doc.key_values(facts)
    doc.section(_("Bids opened"))
    rows = _envelope_rows(tender, bids, envelope)
    if rows:
        doc.table([pgettext("row number", "No"), _("Bidder"), _("File"), _("Size"),
                   _("SHA-256"), _("Result")], rows)
    else:
        doc.paragraph(_("No bid was submitted."))
    if envelope == envelope_count(tender):
        offers = [[b.participant.vendor.name, wib(b.submitted_at),
                   rupiah(b.offer_amount) if b.offer_amount is not None
                   else b.get_offer_status_display()] for b in bids]
        if offers:
            doc.section(_("Offer prices read"))
            doc.table([_("Bidder"), _("Submitted at"), _("Offer price")], offers)
    if not_opened:
        doc.section(_("Price envelopes not opened (failed the technical evaluation)"))
        doc.table([_("Bidder")], [[b.participant.vendor.name] for b in not_opened])
    if withdrawn:
        doc.paragraph(_("Withdrawn before the deadline (not opened): %(names)s.")
                      % {"names": ", ".join(b.participant.vendor.name for b in withdrawn)})
    doc.paragraph(_("A file marked as not opened is handled with the LPSE under regulation "
                    "Lampiran III 3.1–3.2 before the committee decides on it."))
    doc.signatures(_committee_signatures(tender), place_date=format_date_id(localdate_wib()))
    return doc


def case_request_letter(case: UnopenableCase) -> PdfDocument:
    tender = case.tender
    doc = PdfDocument(title=_("REQUEST FOR HANDLING A BID FILE THAT CANNOT BE OPENED (SURAT "
                              "PERMOHONAN PENANGANAN FILE DOKUMEN PENAWARAN)"))
    doc.key_values([(_("To"), _("Head of %(unit)s") % {"unit": settings.LPSE_UNIT_NAME}),
                    (_("From"), tender.committee.name)])
    doc.paragraph(_("The committee cannot open the bid file(s) below and asks the LPSE to "
                    "examine them and witness the result (regulation Pasal 9 (2))."))
    doc.key_values([*_tender_facts(tender),
                    (_("Bidder"), case.bid.participant.vendor.name),
                    (_("Bid submitted at"), wib(case.bid.submitted_at))])
    doc.table([_("File"), _("Size"), _("SHA-256 (sealed file)"), _("Result at the opening")],
              [[f.name, filesize(f.size), split_hash(f.sealed_sha256),
                f.open_message or f.get_open_status_display()] for f in case.files.all()])
    doc.section(_("What the committee observed"))
    doc.paragraph(case.description)
    doc.paragraph(_("The files are attached electronically: they stay in the system, sealed, "
                    "and the LPSE examines them there."))
    doc.signatures([(_("Filed by"), case.filed_by.full_name,
                     f"NIP {case.filed_by.nip}" if case.filed_by.nip else "")],
                   place_date=format_date_id(localdate_wib()))
    return doc


def witness_minutes(case: UnopenableCase, witness: User) -> PdfDocument:
    tender = case.tender
    doc = PdfDocument(title=_("WITNESS MINUTES (BERITA ACARA KESAKSIAN)"))
    doc.paragraph(_("The LPSE, as witness under regulation Pasal 9 (2), examined the bid "
                    "file(s) below that the committee %(committee)s could not open, and "
                    "records the result.") % {"committee": tender.committee.name})
    doc.key_values([*_tender_facts(tender),
                    (_("Bidder"), case.bid.participant.vendor.name),
                    (_("Request filed"), f"{wib(case.filed_at)} — {case.filed_by.full_name}"),
                    (_("Examined"), f"{wib(case.examination_started_at)} – "
                                    f"{wib(case.examined_at)}"),
                    (_("Examiner"), case.examiner.full_name if case.examiner else "-"),
                    (_("Outcome"), case.get_outcome_display())])
    doc.section(_("Diagnostics"))
    rows = []
    for item in case.diagnostics.get("files", []):
        rows.append([item.get("name", ""), _("yes") if item.get("sealed_matches_receipt")
                     else _("no"), _("yes") if item.get("decrypts") else _("no"),
                     _("yes") if item.get("matches_receipt") else _("no"),
                     item.get("format", "") or "-", item.get("message", "") or "-"])
    if rows:
        doc.table([_("File"), _("Sealed file matches receipt"), _("Decrypts"),
                   _("Document matches receipt"), _("Format"), _("Notes")], rows)
    doc.section(_("Finding"))
    doc.paragraph(case.finding)
    doc.signatures([(_("Witness for the LPSE"), witness.full_name,
                     f"NIP {witness.nip}" if witness.nip else "")],
                   place_date=format_date_id(localdate_wib()))
    return doc


def receipt_key_line() -> str:
    return serverkeys.key_id()


@register_document_access("bids.")
def _bids_document_rule(user: User, document: IssuedDocument) -> bool:
    from lpse.accounts.roles import Perm, has_perm
    from lpse.bids.access import can_view_opened
    from lpse.bids.models import Opening, Receipt, UnopenableCase
    from lpse.tenders.selectors import tenders_visible_to

    if document.letter_type == RECEIPT:
        receipt = Receipt.objects.select_related("bid__participant__vendor").filter(
            pdf=document).first()
        if receipt is None:
            return False
        vendor = getattr(user, "vendor", None)
        return vendor is not None and receipt.bid.participant.vendor_id == vendor.pk
    if document.letter_type == BA_OPENING:
        opening = Opening.objects.select_related("tender_key__tender").filter(
            minutes=document).first()
        if opening is None:
            return False
        tender = opening.tender_key.tender
        return can_view_opened(user, tender) or tenders_visible_to(user).filter(
            pk=tender.pk).exists() or tender.participants.filter(
            vendor__account=user).exists()
    if document.letter_type in (CASE_REQUEST, BA_WITNESS):
        case = UnopenableCase.objects.select_related("tender").filter(
            pk=document.subject_id).first()
        if case is None:
            return False
        return has_perm(user, Perm.VIEW_BID_CASES) or has_perm(
            user, Perm.EXAMINE_BID_FILES) or can_view_opened(user, case.tender)
    return False
