"""From a tender's history to OCDS releases.

A tender's history is a list of dated events (`process_events`), read from the tenders
app's own records: the publication, every addendum (`TenderDocument`), every applied schedule
change (`ScheduleChangeRequest` with its old and new windows), the bid opening (the
`tenders.evaluation_started` audit event), the winner announcement, each re-evaluation
after an upheld objection (`Reevaluation`: the announced award cancelled, a new one
announced later), the letter of award, the contract, failure, cancellation and the
re-tender that replaced a failed tender.

Each event becomes one release: a full snapshot of what was public at the event's date
(`release_for`). The snapshot is rebuilt from the history (a schedule change after that
date is undone with its old windows, later addenda are left out, results appear only once
announced), so a release written late by the backfill is the release that would have been
written live. Compiling a tender's releases therefore gives the snapshot of its current
state (tested).

What is never published: bid prices and bidders before the winner announcement, evaluation
notes, who did what (names of officials), any e-mail address, NIK/NPWP, issued minutes and
letters (BAPP, BAHP, SPPBJ), integrity pacts, questions and their authors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation

from lpse.catalog.codes import CategoryCode, EvaluationCode, MethodCode
from lpse.core.templatetags.lpse import wib
from lpse.opendata import ocds
from lpse.tenders.models import (
    Evaluation,
    Reevaluation,
    ScheduleChangeItem,
    ScheduleChangeRequest,
    Tender,
    TenderDocument,
)
from lpse.tenders.schedule import StageWindow
from lpse.tenders.stages import StageCode

if TYPE_CHECKING:
    from decimal import Decimal

    from lpse.vendors.models import Vendor

#: OCDS mainProcurementCategory (closed codelist) per procurement category code.
MAIN_CATEGORY: dict[str, str] = {
    CategoryCode.GOODS: "goods",
    CategoryCode.CONSTRUCTION: "works",
    CategoryCode.CONSULTING_FIRM: "services",
    CategoryCode.CONSULTING_INDIVIDUAL: "services",
    CategoryCode.OTHER_SERVICES: "services",
}
#: OCDS procurementMethod (closed codelist) per selection method code. Pengadaan Langsung
#: buys from one provider without competition ("direct"); Penunjukan Langsung invites one
#: chosen provider to a selection with qualification and negotiation ("limited").
METHOD: dict[str, str] = {
    MethodCode.TENDER: "open",
    MethodCode.QUICK_TENDER: "open",
    MethodCode.SELECTION: "open",
    MethodCode.DIRECT_PROCUREMENT: "direct",
    MethodCode.DIRECT_APPOINTMENT: "limited",
}
#: OCDS awardCriteria (open codelist) per evaluation method code.
AWARD_CRITERIA: dict[str, str] = {
    EvaluationCode.LOWEST_PRICE: "priceOnly",
    EvaluationCode.QUALITY_AND_COST: "ratedCriteria",
    EvaluationCode.QUALITY: "qualityOnly",
    EvaluationCode.FIXED_BUDGET: "qualityOnly",
}
#: OCDS milestoneType (open codelist) per stage.
MILESTONE_TYPE = {
    StageCode.ANNOUNCEMENT: "engagement",
    StageCode.QUALIFICATION_SUBMISSION: "engagement",
    StageCode.QUALIFICATION_EVALUATION: "assessment",
    StageCode.QUALIFICATION_RESULT: "approval",
    StageCode.QUALIFICATION_OBJECTION: "engagement",
    StageCode.DOWNLOAD: "engagement",
    StageCode.CLARIFICATION: "engagement",
    StageCode.UPLOAD: "engagement",
    StageCode.OPENING: "assessment",
    StageCode.EVALUATION: "assessment",
    StageCode.QUALIFICATION_PROOF: "assessment",
    StageCode.WINNER_DECISION: "approval",
    StageCode.WINNER_ANNOUNCEMENT: "approval",
    StageCode.OBJECTION: "engagement",
    StageCode.AWARD_LETTER: "approval",
    StageCode.CONTRACT_SIGNING: "approval",
}

#: Audit actions of the tenders app after which a tender's releases may need updating.
TRIGGER_ACTIONS = frozenset({
    "tenders.tender_published", "tenders.addendum_published", "tenders.schedule_changed",
    "tenders.evaluation_started", "tenders.winner_announced", "tenders.award_letter_issued",
    "tenders.contract_recorded", "tenders.tender_failed", "tenders.tender_cancelled",
    "tenders.evaluation_reopened", "tenders.document_uploaded",
})


@dataclass(frozen=True)
class Event:
    """Something that happened to a published tender and deserves a release."""

    key: str
    date: dt.datetime
    tags: tuple[str, ...]
    order: int = 0


@dataclass
class History:
    """Everything the mapping reads about one tender, loaded once."""

    tender: Tender
    documents: list[TenderDocument]
    changes: list[ScheduleChangeRequest]
    evaluations: list[Evaluation]
    bids_opened_at: dt.datetime | None
    award_letter_at: dt.datetime | None
    contract: Any
    retender: Tender | None
    reevaluations: list[Reevaluation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def ocid(self) -> str:
        return ocds.ocid_for(self.tender.code)

    def release_id(self, event: Event) -> str:
        return f"{self.ocid}-{event.key}"


def tenders_for_history() -> Any:
    """Tenders with what `load_history` reads through foreign keys."""
    return Tender.objects.select_related(
        "package", "package__funding_source", "agency", "category", "method",
        "qualification", "file_method", "evaluation_method", "committee", "previous",
    ).prefetch_related(
        "stages",
        Prefetch("documents", queryset=TenderDocument.objects.select_related("file")
                 .order_by("version")),
        Prefetch("schedule_changes", to_attr="applied_changes",
                 queryset=ScheduleChangeRequest.objects.filter(
                     status=ScheduleChangeRequest.Status.APPLIED)
                 .order_by("decided_at", "pk").prefetch_related(
                     Prefetch("items", queryset=ScheduleChangeItem.objects.order_by("pk")))),
        Prefetch("evaluations", queryset=Evaluation.objects.select_related(
            "participant__vendor").order_by("rank", "pk")),
        Prefetch("reevaluations", queryset=Reevaluation.objects.select_related(
            "withdrawn_winner__vendor").order_by("round")),
        "package__business_fields",
    )


def bids_opened_at(tender: Tender, evaluations: list[Evaluation]) -> dt.datetime | None:
    """When the committee started the evaluation from the opened bids (the audit event);
    for data loaded without audit events, the end of the opening stage."""
    if not evaluations:
        return None
    from lpse.audit.models import AuditEvent

    moment = AuditEvent.objects.filter(
        action="tenders.evaluation_started", object_type="tenders.tender",
        object_id=str(tender.pk)).order_by("seq").values_list("occurred_at", flat=True).first()
    if moment is not None:
        return moment
    window = tender.stage_window(StageCode.OPENING)
    return window.ends_at if window else tender.published_at


def load_history(tender: Tender) -> History:
    """Read the history of a published tender (use `tenders_for_history()` to fetch it)."""
    documents = list(tender.documents.all())
    changes = list(getattr(tender, "applied_changes", None) or tender.schedule_changes.filter(
        status=ScheduleChangeRequest.Status.APPLIED).order_by("decided_at", "pk")
        .prefetch_related("items"))
    evaluations = list(tender.evaluations.all())
    letter = getattr(tender, "award_letter", None)
    contract = getattr(tender, "contract", None)
    retender = Tender.objects.filter(previous=tender, published_at__isnull=False).only(
        "code", "name", "published_at").first()
    history = History(
        tender=tender, documents=documents, changes=changes, evaluations=evaluations,
        bids_opened_at=bids_opened_at(tender, evaluations),
        award_letter_at=letter.issued_at if letter else None, contract=contract,
        retender=retender, reevaluations=sorted(tender.reevaluations.all(),
                                                key=lambda r: r.round))
    history.events = process_events(history)
    return history


def process_events(history: History) -> list[Event]:
    """The dated events of a published tender, oldest first."""
    tender = history.tender
    published = tender.published_at
    if published is None:
        return []

    def at(moment: dt.datetime | None) -> dt.datetime:
        # Nothing can be public before the announcement (guards odd bulk-loaded data).
        return max(moment or published, published)

    events = [Event("tender", published, ("tender",), 0)]
    for document in history.documents:
        if document.is_addendum:
            events.append(Event(f"addendum-{document.version}", at(document.uploaded_at),
                                ("tenderAmendment",), 1))
        elif document.uploaded_at > published:
            # A prequalification's selection documents, added before the shortlist.
            events.append(Event(f"documents-{document.version}", at(document.uploaded_at),
                                ("tenderUpdate",), 1))
    for change in history.changes:
        events.append(Event(f"schedule-change-{change.pk}", at(change.decided_at),
                            ("tenderAmendment",), 2))
    if history.bids_opened_at is not None:
        events.append(Event("bids-opened", at(history.bids_opened_at), ("tenderUpdate",), 3))
    for reevaluation in history.reevaluations:
        withdrawn = reevaluation.round - 1
        if reevaluation.withdrawn_announced_at is not None:
            events.append(Event(_award_key(withdrawn), at(reevaluation.withdrawn_announced_at),
                                ("award",), 4))
            events.append(Event(f"reevaluation-{reevaluation.round}",
                                at(reevaluation.opened_at), ("awardCancellation",), 4))
    announced = tender.winner_announced_at
    if announced is not None:
        events.append(Event(_award_key(tender.evaluation_round), at(announced), ("award",), 4))
    if history.award_letter_at is not None:
        events.append(Event("award-letter", at(history.award_letter_at), ("awardUpdate",), 5))
    if history.contract is not None:
        events.append(Event("contract", at(history.contract.recorded_at), ("contract",), 6))
    ended = at(tender.ended_at)
    if tender.status == Tender.Status.FAILED:
        tags = ("tenderUpdate", "awardCancellation") if announced else ("tenderUpdate",)
        events.append(Event("failed", ended, tags, 7))
    elif tender.status == Tender.Status.CANCELLED:
        tags = ("tenderCancellation", "awardCancellation") if announced else (
            "tenderCancellation",)
        events.append(Event("cancelled", ended, tags, 7))
    elif tender.status == Tender.Status.COMPLETED and history.contract is None:
        events.append(Event("completed", ended, ("tenderUpdate",), 7))
    if history.retender is not None:
        events.append(Event("replaced", at(history.retender.published_at),
                            ("tenderUpdate",), 8))
    return sorted(events, key=lambda e: (e.date, e.order, e.key))


def _award_key(round_: int) -> str:
    # Round 1 keeps the key it had before re-evaluations existed (release ids are stable).
    return "award" if round_ == 1 else f"award-{round_}"


# --- The snapshot at a date ------------------------------------------------------------------


def _done(moment: dt.datetime | None, as_of: dt.datetime | None) -> bool:
    return moment is not None and (as_of is None or moment <= as_of)


def schedule_at(history: History, as_of: dt.datetime | None
                ) -> tuple[dict[StageCode, StageWindow], dict[StageCode, dt.datetime]]:
    """The schedule as published at `as_of` (later changes undone with their old windows),
    and when each stage last changed."""
    windows = dict(history.tender.schedule())
    modified: dict[StageCode, dt.datetime] = {}
    for change in reversed(history.changes):
        for item in change.items.all():
            code = StageCode(item.stage)
            if _done(change.decided_at, as_of):
                modified.setdefault(code, change.decided_at)  # type: ignore[arg-type]
            else:
                windows[code] = StageWindow(item.old_starts_at, item.old_ends_at)
    return windows, modified


def _period(window: StageWindow | None) -> dict[str, Any] | None:
    if window is None:
        return None
    return {"startDate": ocds.iso(window.starts_at), "endDate": ocds.iso(window.ends_at)}


def _org_ref(party: dict[str, Any]) -> dict[str, Any]:
    return {"id": party["id"], "name": party["name"]}


def _vendor_party(vendor: Vendor) -> dict[str, Any]:
    # Name only: no NPWP (an individual's NPWP is their NIK), no e-mail, no address.
    return {"id": f"vendor-{vendor.pk}", "name": vendor.name}


def _change_description(change: ScheduleChangeRequest) -> str:
    parts = []
    for item in change.items.all():
        label = str(StageCode(item.stage).label)
        parts.append(f"{label}: {wib(item.old_starts_at)} – {wib(item.old_ends_at)} → "
                     f"{wib(item.new_starts_at)} – {wib(item.new_ends_at)}")
    return "; ".join(parts)


def _status(history: History, as_of: dt.datetime | None) -> str:
    tender = history.tender
    if tender.status in Tender.ENDED and _done(tender.ended_at, as_of):
        return {Tender.Status.COMPLETED: "complete", Tender.Status.FAILED: "unsuccessful",
                Tender.Status.CANCELLED: "cancelled"}[Tender.Status(tender.status)]
    if _done(history.award_letter_at, as_of):
        return "complete"
    return "active"


def snapshot(history: History, as_of: dt.datetime | None = None) -> dict[str, Any]:
    """Everything public about the process at `as_of` (None: now, everything), as the
    body of an OCDS release (without ocid, id, date and tag)."""
    with translation.override(ocds.LANGUAGE):
        return _snapshot(history, as_of)


def _snapshot(history: History, as_of: dt.datetime | None) -> dict[str, Any]:
    tender = history.tender
    package = tender.package
    # The result in force at `as_of`: a later re-evaluation withdrew it — or the current one.
    pending = next((r for r in history.reevaluations if not _done(r.opened_at, as_of)), None)
    announced_at = pending.withdrawn_announced_at if pending else tender.winner_announced_at
    announced = _done(announced_at, as_of)
    letter = _done(history.award_letter_at, as_of)
    contract = history.contract if history.contract is not None and _done(
        history.contract.recorded_at, as_of) else None
    opened = _done(history.bids_opened_at, as_of)
    ended = tender.status in Tender.ENDED and _done(tender.ended_at, as_of)

    buyer: dict[str, Any] = {"id": f"agency-{tender.agency.code}", "name": tender.agency.name,
                             "roles": ["buyer"]}
    address: dict[str, Any] = {"locality": str(settings.LPSE_REGION_NAME),
                               "countryName": "Indonesia"}
    if tender.agency.address:
        address["streetAddress"] = tender.agency.address
    buyer["address"] = address
    committee = {"id": f"committee-{tender.committee_id}", "name": tender.committee.name,
                 "roles": ["procuringEntity"]}
    parties = [buyer, committee]

    windows, modified = schedule_at(history, as_of)
    status = _status(history, as_of)
    public_url = ocds.absolute("tenders:public_detail", tender.code)

    documents: list[dict[str, Any]] = [{
        "id": "tender-notice", "documentType": "tenderNotice",
        "title": f"Pengumuman {tender.name}", "url": public_url,
        "datePublished": ocds.iso(tender.published_at), "format": "text/html",
        "language": ocds.LANGUAGE,
    }]
    if ended and tender.status != Tender.Status.COMPLETED:
        # OCDS 1.1 has no field for the reason; the cancellation details document carries it.
        failed = tender.status == Tender.Status.FAILED
        documents.append({
            "id": "end-reason", "documentType": "cancellationDetails",
            "title": ("Tender gagal: " if failed else "Tender dibatalkan: ") + tender.name,
            "description": tender.end_reason, "url": public_url,
            "datePublished": ocds.iso(tender.ended_at), "format": "text/html",
            "language": ocds.LANGUAGE,
        })
    amendments: list[dict[str, Any]] = []
    release_ids = {event.key: history.release_id(event) for event in history.events}
    previous_release: dict[str, str] = {}
    for before, event in zip(history.events, history.events[1:], strict=False):
        previous_release[event.key] = history.release_id(before)
    for document in history.documents:
        published = max(document.uploaded_at, tender.published_at)  # type: ignore[type-var]
        if not _done(published, as_of):
            continue
        description = f"Versi {document.version}. SHA-256: {document.file.sha256}"
        if document.is_addendum:
            description = f"Adendum. {document.reason} ({description})"
        documents.append({
            "id": f"tender-documents-v{document.version}",
            "documentType": "eligibilityCriteria"
            if document.kind == TenderDocument.Kind.QUALIFICATION else "biddingDocuments",
            "title": document.title, "description": description,
            "url": ocds.absolute("tenders:document_download", tender.code, document.version),
            "datePublished": ocds.iso(published), "format": document.file.content_type,
            "language": ocds.LANGUAGE,
        })
        if document.is_addendum:
            key = f"addendum-{document.version}"
            amendments.append({
                "id": key, "date": ocds.iso(published), "rationale": document.reason,
                "description": f"Adendum dokumen pemilihan versi {document.version}: "
                               f"{document.title}",
                "releaseID": release_ids.get(key), "amendsReleaseID": previous_release.get(key),
            })
    for change in history.changes:
        if not _done(change.decided_at, as_of):
            continue
        key = f"schedule-change-{change.pk}"
        amendments.append({
            "id": key, "date": ocds.iso(change.decided_at), "rationale": change.reason,
            "description": f"Perubahan jadwal — {_change_description(change)}",
            "releaseID": release_ids.get(key), "amendsReleaseID": previous_release.get(key),
        })
    amendments.sort(key=lambda a: (a["date"], a["id"]))

    milestones = []
    for code in StageCode:
        window = windows.get(code)
        if window is None:
            continue
        milestone: dict[str, Any] = {
            "id": str(code), "title": str(code.label), "type": MILESTONE_TYPE[code],
            "description": f"{wib(window.starts_at)} – {wib(window.ends_at)}",
            "dueDate": ocds.iso(window.ends_at),
        }
        if code in modified:
            milestone["dateModified"] = ocds.iso(modified[code])
        milestones.append(milestone)

    method_details = ", ".join([tender.method.name, tender.qualification.name,
                                tender.file_method.name])
    criteria_details = tender.evaluation_method.name
    if tender.technical_weight is not None:
        criteria_details += f" (bobot teknis {tender.technical_weight}%)"
    item: dict[str, Any] = {
        "id": "1", "description": tender.name, "quantity": 1,
        "classification": {"scheme": "LPSE-JENIS-PENGADAAN", "id": tender.category.code,
                           "description": tender.category.name},
    }
    fields = sorted(package.business_fields.all(), key=lambda f: f.code)
    if fields:
        item["additionalClassifications"] = [
            {"scheme": "KBLI", "id": f.code, "description": f.name} for f in fields]
    tender_data: dict[str, Any] = {
        "id": tender.code,
        "title": tender.name,
        "description": f"{package.name}. Lokasi: {package.location}",
        "status": status,
        "procuringEntity": _org_ref(committee),
        "items": [item],
        "value": ocds.money(tender.owner_estimate),
        "procurementMethod": METHOD.get(tender.method.code, "open" if getattr(
            tender.method, "is_open_competition", True) else "limited"),
        "procurementMethodDetails": method_details,
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": "SPSE (Sistem Pengadaan Secara Elektronik) "
                                   f"{settings.LPSE_UNIT_NAME}",
        "documents": documents,
        "milestones": milestones,
    }
    if tender.category.code in MAIN_CATEGORY:
        tender_data["mainProcurementCategory"] = MAIN_CATEGORY[tender.category.code]
    if tender.evaluation_method.code in AWARD_CRITERIA:
        tender_data["awardCriteria"] = AWARD_CRITERIA[tender.evaluation_method.code]
    tender_data["awardCriteriaDetails"] = criteria_details
    if tender.requirements:
        tender_data["eligibilityCriteria"] = tender.requirements
    for key, code in (("tenderPeriod", StageCode.UPLOAD),
                      ("enquiryPeriod", StageCode.CLARIFICATION)):
        period = _period(windows.get(code))
        if period:
            tender_data[key] = period
    evaluation, award_stage = windows.get(StageCode.EVALUATION), windows.get(
        StageCode.AWARD_LETTER)
    if evaluation and award_stage:
        tender_data["awardPeriod"] = {"startDate": ocds.iso(evaluation.starts_at),
                                      "endDate": ocds.iso(award_stage.ends_at)}
    if amendments:
        tender_data["amendments"] = amendments

    release: dict[str, Any] = {
        "initiationType": "tender",
        "language": ocds.LANGUAGE,
        "parties": parties,
        "buyer": _org_ref(buyer),
        "planning": {"budget": {
            "id": package.rup_code or package.code,
            "description": f"{package.funding_source.name} TA {tender.fiscal_year}",
            "amount": ocds.money(tender.budget_ceiling),
            "project": package.name, "projectID": package.code,
        }},
        "tender": tender_data,
    }

    evaluations = history.evaluations
    if opened and evaluations:
        count = len(evaluations)
        tender_data["numberOfTenderers"] = count
        statistics = [
            {"id": "bids", "measure": "bids", "value": count,
             "date": ocds.iso(history.bids_opened_at)},
            {"id": "bidders", "measure": "bidders", "value": count,
             "date": ocds.iso(history.bids_opened_at)},
        ]
        bids: dict[str, Any] = {"statistics": statistics}
        if announced:
            passed = {e.participant_id: e.passed for e in evaluations}
            if pending is not None:  # the withdrawn result's marks, as they were published
                passed.update({int(k): v for k, v in pending.withdrawn_results.items()})
            valid = [e for e in evaluations if passed[e.participant_id]]
            statistics.append({"id": "validBids", "measure": "validBids", "value": len(valid),
                               "date": ocds.iso(announced_at)})
            details = []
            tenderers = []
            # In bidder order, not rank order: a re-evaluation changes the ranks, and the
            # compiled release keeps the order in which each bidder first appeared.
            for e in sorted(evaluations, key=lambda e: e.participant_id):
                party = _vendor_party(e.participant.vendor)
                party["roles"] = ["tenderer"]
                parties.append(party)
                tenderers.append(_org_ref(party))
                details.append({"id": f"bid-{e.participant_id}",
                                "status": "valid" if passed[e.participant_id]
                                else "disqualified",
                                "tenderers": [_org_ref(party)],
                                "value": ocds.money(e.offer_amount)})
            tender_data["tenderers"] = tenderers
            bids["details"] = details
        release["bids"] = bids

    awards: list[dict[str, Any]] = []
    for reevaluation in history.reevaluations:
        # Each result a re-evaluation withdrew stays in the record, cancelled.
        if reevaluation is pending:
            break
        if reevaluation.withdrawn_winner is None:
            continue
        awards.append(_award(
            tender, reevaluation.round - 1, reevaluation.withdrawn_winner.vendor,
            reevaluation.withdrawn_price, status="cancelled", date=reevaluation.opened_at,
            announced_at=reevaluation.withdrawn_announced_at, url=public_url))
    if pending is not None and pending.withdrawn_winner is not None:
        supplier: Vendor | None = pending.withdrawn_winner.vendor
        price, round_ = pending.withdrawn_price, pending.round - 1
    else:
        winner = next((e for e in evaluations if e.award == Evaluation.Award.WINNER), None)
        supplier = winner.participant.vendor if winner else None
        price, round_ = (winner.evaluated_price if winner else None), tender.evaluation_round
    award: dict[str, Any] | None = None
    if announced and supplier is not None:
        supplier_id = f"vendor-{supplier.pk}"
        for party in parties:
            if party["id"] == supplier_id:
                party["roles"] = ["tenderer", "supplier"]
        award_status = "active" if letter else "pending"
        if ended and tender.status != Tender.Status.COMPLETED:
            award_status = "cancelled"
        award = _award(tender, round_, supplier, price, status=award_status,
                       date=history.award_letter_at if letter else announced_at,
                       announced_at=announced_at, url=public_url)
        awards.append(award)
    if awards:
        release["awards"] = awards
    if award is not None:
        if contract is not None:
            award["contractPeriod"] = {"startDate": ocds.iso_day(contract.starts_on),
                                       "endDate": ocds.iso_day(contract.ends_on, end=True)}
        if contract is not None:
            release["contracts"] = [{
                "id": f"{tender.code}-1",
                "awardID": award["id"],
                "title": f"Kontrak {contract.number}",
                "description": tender.name,
                "status": "active",
                "period": award["contractPeriod"],
                "value": ocds.money(contract.value),
                "dateSigned": ocds.iso_day(contract.signed_on),
            }]

    related = []
    previous = tender.previous
    if previous is not None and previous.published_at is not None:
        related.append({
            "id": "previous", "relationship": ["unsuccessfulProcess"], "title": previous.name,
            "scheme": "ocid", "identifier": ocds.ocid_for(previous.code),
            "uri": ocds.absolute("api-ocds-record", ocds.ocid_for(previous.code)),
        })
    if history.retender is not None and _done(history.retender.published_at, as_of):
        related.append({
            "id": "retender", "relationship": ["replacementProcess"],
            "title": history.retender.name, "scheme": "ocid",
            "identifier": ocds.ocid_for(history.retender.code),
            "uri": ocds.absolute("api-ocds-record", ocds.ocid_for(history.retender.code)),
        })
    if related:
        release["relatedProcesses"] = related
    return release


def _award(tender: Tender, round_: int, supplier: Vendor, price: Decimal | None, *,
           status: str, date: dt.datetime | None, announced_at: dt.datetime | None,
           url: str) -> dict[str, Any]:
    """One award: round 1 keeps the id it always had; a re-evaluation's result is a new
    award (the one it withdrew stays, cancelled)."""
    award: dict[str, Any] = {
        "id": f"{tender.code}-{round_}",
        "title": f"Pemenang {tender.name}",
        "status": status,
        "date": ocds.iso(date),
        "suppliers": [{"id": f"vendor-{supplier.pk}", "name": supplier.name}],
        "documents": [{
            "id": "award-notice", "documentType": "awardNotice",
            "title": f"Pengumuman pemenang {tender.name}", "url": url,
            "datePublished": ocds.iso(announced_at), "format": "text/html",
            "language": ocds.LANGUAGE,
        }],
    }
    if price is not None:
        award["value"] = ocds.money(price)
    return award


def release_for(history: History, event: Event) -> dict[str, Any]:
    """The OCDS release of one event: the snapshot at its date, with ocid, id, date, tags."""
    return {
        "ocid": history.ocid,
        "id": history.release_id(event),
        "date": ocds.iso(event.date),
        "tag": list(event.tags),
        **snapshot(history, event.date),
    }
