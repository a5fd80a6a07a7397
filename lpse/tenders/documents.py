"""The official PDFs of a tender: prequalification minutes (Berita Acara Hasil
Prakualifikasi), clarification minutes (Berita Acara Pemberian Penjelasan), evaluation
minutes (Berita Acara Hasil Pemilihan, BAHP) and the letter of award (Surat Penunjukan
Penyedia Barang/Jasa, SPPBJ)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lpse.core.calendar import localdate_wib, to_wib
from lpse.core.documents import register_document_access
from lpse.core.models import IssuedDocument
from lpse.core.pdf import PdfDocument, format_date_id
from lpse.core.templatetags.lpse import rupiah, wib

if TYPE_CHECKING:
    from lpse.accounts.models import User
    from lpse.tenders.models import (
        Evaluation,
        Participant,
        QualificationSubmission,
        Question,
        Tender,
    )

BA_PREQUALIFICATION = "tenders.ba_prequalification"
BA_CLARIFICATION = "tenders.ba_clarification"
BAHP = "tenders.bahp"
SPPBJ = "tenders.sppbj"
LETTER_CODES = {BA_PREQUALIFICATION: "BAHPK", BA_CLARIFICATION: "BAPP", BAHP: "BAHP",
                SPPBJ: "SPPBJ"}


def _tender_facts(tender: Tender) -> list[tuple[str, object]]:
    return [
        (_("Tender code"), tender.code),
        (_("Package"), tender.name),
        (_("Agency"), tender.agency.name),
        (_("Selection method"), tender.method.label),
        (_("Qualification"), tender.qualification.label),
        (_("Evaluation method"), tender.evaluation_method.label),
        (_("Owner's estimate (HPS)"), rupiah(tender.owner_estimate)),
        (_("Fiscal year"), tender.fiscal_year),
    ]


def _committee_signatures(tender: Tender) -> list[tuple[str, str, str]]:
    members = sorted(tender.committee.members.all(), key=lambda m: (m.position_rank, m.pk))
    return [(m.get_position_display(), m.user.full_name, f"NIP {m.user.nip}" if m.user.nip
             else "") for m in members]


def prequalification_minutes(tender: Tender, submissions: Sequence[QualificationSubmission],
                             *, replaces: str = "", upheld: Sequence[str] = ()
                             ) -> PdfDocument:
    doc = PdfDocument(title=_("MINUTES OF THE PREQUALIFICATION RESULT (BERITA ACARA HASIL "
                              "PRAKUALIFIKASI)"))
    doc.paragraph(_("The committee %(committee)s has evaluated the qualification data "
                    "submitted for the tender below and records the result.")
                  % {"committee": tender.committee.name})
    if replaces:
        doc.paragraph(_("These minutes replace the minutes %(number)s: the committee upheld "
                        "the objection of %(vendors)s and evaluated again.")
                      % {"number": replaces, "vendors": ", ".join(upheld) or "-"})
    facts = _tender_facts(tender)
    window = tender.stage_window("qualification_submission")  # type: ignore[arg-type]
    if window is not None:
        facts.append((_("Qualification submission"),
                      f"{wib(window.starts_at)} – {wib(window.ends_at)}"))
    facts.append((_("Participants"), tender.participants.count()))
    facts.append((_("Submissions"), len(submissions)))
    doc.key_values(facts)
    doc.section(_("Result of the qualification evaluation"))
    rows = [[str(i), s.participant.vendor.name, wib(s.submitted_at),
             _("Qualified") if s.passed else _("Not qualified"), s.notes or "-"]
            for i, s in enumerate(submissions, start=1)]
    if rows:
        doc.table([pgettext("row number", "No"), _("Vendor"), _("Submitted at"), _("Result"),
                   _("Notes")], rows)
    else:
        doc.paragraph(_("No qualification data was submitted."))
    doc.paragraph(_("Only the qualified vendors are invited to download the tender documents "
                    "and to submit bids. Vendors that submitted their qualification may "
                    "object to this result during the prequalification objection period."))
    doc.signatures(_committee_signatures(tender),
                   place_date=format_date_id(localdate_wib()))
    return doc


def clarification_minutes(tender: Tender, questions: Sequence[Question]) -> PdfDocument:
    doc = PdfDocument(title=_("MINUTES OF THE CLARIFICATION (BERITA ACARA PEMBERIAN "
                              "PENJELASAN)"))
    window = tender.stage_window("clarification")  # type: ignore[arg-type]
    doc.paragraph(_("On this day, %(day)s, the committee %(committee)s held the clarification "
                    "of the tender below through the e-procurement system.")
                  % {"day": formats.date_format(localdate_wib(), "l, j F Y"),
                     "committee": tender.committee.name})
    facts = _tender_facts(tender)
    if window is not None:
        facts.append((_("Clarification period"),
                      f"{wib(window.starts_at)} – {wib(window.ends_at)}"))
    facts.append((_("Participants"), tender.participants.count()))
    doc.key_values(facts)
    doc.section(_("Questions and answers"))
    rows = [[str(i), q.text, q.answer or _("(not answered)"),
             wib(q.answered_at) if q.answered_at else "-"]
            for i, q in enumerate(questions, start=1)]
    if rows:
        doc.table([pgettext("row number", "No"), _("Question"), _("Answer"),
                   _("Answered at")], rows)
    else:
        doc.paragraph(_("No question was asked."))
    doc.paragraph(_("The names of the participants who asked are not disclosed. These "
                    "minutes are an integral part of the tender documents."))
    doc.signatures(_committee_signatures(tender),
                   place_date=format_date_id(localdate_wib()))
    return doc


#: Points per millimetre (PdfDocument column widths are in points; ReportLab is not loaded
#: here).
MM = 72 / 25.4
#: The width of a table on an A4 page between the 20 mm margins.
TABLE_WIDTH = 170 * MM


def evaluation_minutes(tender: Tender, evaluations: Sequence[Evaluation], *,
                       replaces: str = "", reason: str = "") -> PdfDocument:
    from lpse.tenders.services.evaluation import evaluation_failure, step_label

    doc = PdfDocument(title=_("MINUTES OF THE SELECTION RESULT (BERITA ACARA HASIL "
                              "PEMILIHAN)"))
    doc.paragraph(_("The committee %(committee)s has evaluated the bids of the tender below "
                    "and records the result.") % {"committee": tender.committee.name})
    if replaces or reason:
        doc.paragraph(_("Re-evaluation after an upheld objection. These minutes replace the "
                        "minutes %(number)s. Reason: %(reason)s")
                      % {"number": replaces or "-", "reason": reason or "-"})
    doc.key_values(_tender_facts(tender))
    doc.section(_("Evaluation of the bids"))

    def mark(value: bool | None) -> str:
        return "—" if value is None else (_("Pass") if value else _("Fail"))

    def amount(value: Decimal | None) -> str:
        # The header says "(Rp)": the cell is only the number, so it stays on one line.
        return "—" if value is None else rupiah(value).removeprefix("Rp ")

    # Each amount column holds up to Rp 999.999.999.999 on one 8-point line; the marks hold
    # "Lulus"/"Gugur"; the steps' headers are abbreviated (a legend follows the table).
    widths = {"offer": 27, "corrected": 27, "mark": 13, "score": 14, "result": 24}
    uses_scores = tender.uses_scores
    header = [_("Bidder"), _("Offer price (Rp)"), _("Corrected price (Rp)"),
              pgettext("column header", "Adm."), pgettext("column header", "Tech."),
              _("Price"), pgettext("column header", "Qual.")]
    fixed = [widths["offer"], widths["corrected"]] + [widths["mark"]] * 4
    if uses_scores:
        header.append(_("Score"))
        fixed.append(widths["score"])
    header.append(_("Rank / result"))
    fixed.append(widths["result"])
    col_widths = [TABLE_WIDTH - sum(fixed) * MM] + [w * MM for w in fixed]

    rows = []
    failures = []
    for ev in evaluations:
        failure = evaluation_failure(tender, ev)
        technical = (str(ev.technical_score) if uses_scores and ev.technical_score is not None
                     else mark(ev.technical_passed))
        price = mark(ev.price_passed)
        if failure is not None:
            failures.append((ev, *failure))
            if failure[0] == "price":
                price = _("Fail")
        if ev.award is not None:
            result = f"{ev.rank} · {ev.get_award_display()}" if ev.rank else \
                ev.get_award_display()
        elif ev.rank:
            result = str(ev.rank)
        elif failure is not None:
            result = pgettext("evaluation result", "Failed")
        else:
            result = "—"
        row = [ev.participant.vendor.name, amount(ev.offer_amount), amount(ev.corrected_price),
               mark(ev.administrative_passed), technical, price,
               mark(ev.qualification_passed)]
        if uses_scores:
            row.append(str(ev.final_score) if ev.final_score is not None else "—")
        row.append(result)
        rows.append(row)
    doc.table(header, rows, col_widths=col_widths)
    doc.paragraph(_("Adm. = administrative, Tech. = technical, Qual. = qualification "
                    "evaluation. Knockout system (sistem gugur): a bid that fails a step is "
                    "not evaluated on the steps after it (—)."))
    if failures:
        doc.section(_("Bids that failed the evaluation"))
        doc.table([_("Bidder"), pgettext("evaluation", "Failed at"), _("Reason")],
                  [[ev.participant.vendor.name, step_label(step), why or "-"]
                   for ev, step, why in failures],
                  col_widths=[50 * MM, 32 * MM, TABLE_WIDTH - 82 * MM])
    winner = next((e for e in evaluations if e.award == 0), None)
    if winner is not None:
        doc.paragraph(_("The committee determines %(vendor)s as the winner with a corrected "
                        "price of %(price)s.")
                      % {"vendor": winner.participant.vendor.name,
                         "price": rupiah(winner.evaluated_price)})
    doc.signatures(_committee_signatures(tender),
                   place_date=format_date_id(localdate_wib()))
    return doc


def award_letter(tender: Tender, winner: Participant, amount: Decimal, ppk: User
                 ) -> PdfDocument:
    doc = PdfDocument(title=_("LETTER OF AWARD (SURAT PENUNJUKAN PENYEDIA BARANG/JASA)"))
    vendor = winner.vendor
    doc.key_values([(_("To"), str(vendor)), (_("NPWP"), vendor.npwp),
                    (_("E-mail"), vendor.email)])
    doc.paragraph(_("Following the result of the tender %(code)s \"%(name)s\", announced on "
                    "%(date)s, and as the objection period has ended, we appoint your company "
                    "to carry out the work below.")
                  % {"code": tender.code, "name": tender.name,
                     "date": format_date_id(to_wib(tender.winner_announced_at).date())
                     if tender.winner_announced_at else "-"})
    doc.key_values([
        (_("Package"), tender.name), (_("Agency"), tender.agency.name),
        (_("Award price"), rupiah(amount)),
        (_("Funding source"), tender.package.funding_source.label),
        (_("Fiscal year"), tender.fiscal_year),
    ])
    doc.paragraph(_("Your company is requested to sign the contract with the commitment "
                    "officer (PPK) within the period set in the tender schedule. Failing to "
                    "do so without a reason the PPK accepts leads to sanctions under the "
                    "procurement regulations."))
    doc.signatures([(_("Commitment officer (PPK)"), ppk.full_name,
                     f"NIP {ppk.nip}" if ppk.nip else "")],
                   place_date=format_date_id(localdate_wib()))
    return doc


@register_document_access("tenders.")
def _tender_document_rule(user: User, document: IssuedDocument) -> bool:
    from lpse.tenders.models import Tender
    from lpse.tenders.selectors import participant_of, tenders_visible_to

    if document.subject_type != "tenders.tender":
        return False
    tender = Tender.objects.filter(pk=document.subject_id).first()
    if tender is None:
        return False
    if tenders_visible_to(user).filter(pk=tender.pk).exists():
        return True
    participant = participant_of(user, tender)
    if participant is None:
        return False
    if document.letter_type == SPPBJ:
        return tender.evaluations.filter(participant=participant, award=0).exists()
    return True
