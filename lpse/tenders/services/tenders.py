"""Tenders: creation by the committee, method settings, schedule, documents and addenda,
publication, failure, cancellation and re-tender."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.audit.services import audit_record
from lpse.catalog.codes import EvaluationCode, FileMethodCode, QualificationCode
from lpse.catalog.models import EvaluationMethod, FileMethod, QualificationType
from lpse.core.files import PDF, ZIP, FilePolicy, check_zip, open_stored, store_file
from lpse.tenders import notifications
from lpse.tenders.access import access_package_as_ppk, access_tender_as_committee
from lpse.tenders.bidding import bid_source
from lpse.tenders.hooks import publish_problems, run_publish_callbacks
from lpse.tenders.models import (
    Package,
    PrequalificationResult,
    ScheduleStage,
    Tender,
    TenderDocument,
)
from lpse.tenders.schedule import (
    StageWindow,
    addendum_min_upload_end,
    validate_schedule,
)
from lpse.tenders.search import build_search_text
from lpse.tenders.selectors import public_list_changed
from lpse.tenders.services.common import locked, next_code, require_running, require_text
from lpse.tenders.services.prequalification import shortlisted_ids
from lpse.tenders.stages import StageCode

if TYPE_CHECKING:
    from lpse.accounts.models import User

TENDER_CODE = "{year}{seq:06d}"
DOCUMENT_POLICY = FilePolicy(max_bytes=50 * 1024 * 1024, allowed_types=frozenset({PDF, ZIP}))


def _search_text(tender: Tender) -> str:
    package = tender.package
    return build_search_text([tender.code, tender.name, package.code, package.rup_code,
                              tender.agency.code, tender.agency.name, package.location])


def _default[M: (QualificationType, FileMethod, EvaluationMethod)](
        model: type[M], code: str) -> M:
    found = model._default_manager.filter(code=code).first() or model._default_manager.filter(
        is_active=True).order_by("sort_order", "pk").first()
    if found is None:
        raise ValidationError(_("The master data has no %(name)s.")
                              % {"name": model._meta.verbose_name})
    return found


@transaction.atomic
def tender_create(*, actor: User, package: Package, previous: Tender | None = None) -> Tender:
    """The committee starts preparing the tender of a package handed to it."""
    package = Package.objects.select_for_update().select_related(
        "agency", "category", "method").get(pk=package.pk)
    if package.status != Package.Status.HANDED_OVER or package.committee_id is None:
        raise ValidationError(_("The package has not been handed over to a committee."))
    from lpse.tenders.access import is_committee_member

    if not is_committee_member(actor, package.committee_id):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only the committee the package was handed to may do this."))
    if package.tenders.filter(status__in=[Tender.Status.DRAFT, Tender.Status.PUBLISHED]
                              ).exists():
        raise ValidationError(_("The package already has a tender in preparation or running."))
    source = previous
    evaluation = (source.evaluation_method if source else
                  EvaluationMethod.objects.filter(
                      code=EvaluationCode.LOWEST_PRICE, categories=package.category).first()
                  or EvaluationMethod.objects.filter(
                      is_active=True, categories=package.category).order_by("sort_order").first()
                  or _default(EvaluationMethod, EvaluationCode.LOWEST_PRICE))
    tender = Tender(
        package=package, previous=previous, committee_id=package.committee_id,
        name=package.name, method=package.method,
        qualification=source.qualification if source else _default(
            QualificationType, QualificationCode.POSTQUALIFICATION),
        file_method=source.file_method if source else _default(
            FileMethod, FileMethodCode.ONE_FILE),
        evaluation_method=evaluation,
        technical_weight=source.technical_weight if source else None,
        technical_threshold=source.technical_threshold if source else None,
        requirements=source.requirements if source else package.qualification_requirements,
        agency_id=package.agency_id, category_id=package.category_id,
        fiscal_year=package.fiscal_year, owner_estimate=package.owner_estimate,
        budget_ceiling=package.budget_ceiling, created_by=actor,
    )
    tender.code = next_code("tender", package.fiscal_year, TENDER_CODE)
    tender.search_text = _search_text(tender)
    tender.full_clean(exclude=["previous"])
    tender.save()
    audit_record(action="tenders.tender_created", actor=actor, target=tender,
                 data={"package": package.code, "previous": previous.code if previous else None})
    return tender


@transaction.atomic
def tender_update_settings(
    *, actor: User, tender: Tender, name: str, qualification: QualificationType,
    file_method: FileMethod, evaluation_method: EvaluationMethod, requirements: str,
    technical_weight: Decimal | None = None, technical_threshold: Decimal | None = None,
) -> Tender:
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    if tender.status != Tender.Status.DRAFT:
        raise ValidationError(_("The method settings are fixed once the tender is published."))
    errors: dict[str, str] = {}
    if not evaluation_method.categories.filter(pk=tender.category_id).exists():
        errors["evaluation_method"] = _("This evaluation method does not apply to the "
                                        "tender's category.")
    weighs = evaluation_method.ranking_rule == EvaluationMethod.RankingRule.QUALITY_AND_COST
    if weighs and (
            technical_weight is None or not Decimal(1) <= technical_weight <= Decimal(99)):
        errors["technical_weight"] = _("Give the technical weight (1–99 %).")
    elif not weighs and technical_weight is not None:
        # Refused rather than dropped: the committee must not believe a weight applies.
        errors["technical_weight"] = _(
            "“%(method)s” does not weigh the technical score against the price: leave the "
            "technical weight empty.") % {"method": evaluation_method.label}
    if evaluation_method.uses_technical_score and (
            technical_threshold is None or not Decimal(0) <= technical_threshold <= Decimal(100)):
        errors["technical_threshold"] = _("Give the technical passing score (0–100).")
    elif not evaluation_method.uses_technical_score and technical_threshold is not None:
        errors["technical_threshold"] = _(
            "“%(method)s” does not score the technical proposal (it is pass or fail): leave "
            "the technical passing score empty.") % {"method": evaluation_method.label}
    for field, entry in (("qualification", qualification), ("file_method", file_method),
                         ("evaluation_method", evaluation_method)):
        if not entry.is_active and field not in errors:
            errors[field] = _("This entry is no longer active.")
    if errors:
        raise ValidationError(errors)
    before = {"qualification": tender.qualification.code, "file_method": tender.file_method.code,
              "evaluation_method": tender.evaluation_method.code}
    tender.name = require_text(name, "name")
    tender.qualification, tender.file_method = qualification, file_method
    tender.evaluation_method, tender.requirements = evaluation_method, requirements
    tender.technical_weight = technical_weight if evaluation_method.ranking_rule == \
        EvaluationMethod.RankingRule.QUALITY_AND_COST else None
    tender.technical_threshold = technical_threshold if evaluation_method.uses_technical_score \
        else None
    tender.search_text = _search_text(tender)
    tender.full_clean(exclude=["previous"])
    tender.save()
    audit_record(action="tenders.settings_updated", actor=actor, target=tender,
                 data={"before": before, "after": {
                     "qualification": qualification.code, "file_method": file_method.code,
                     "evaluation_method": evaluation_method.code,
                     "technical_weight": tender.technical_weight,
                     "technical_threshold": tender.technical_threshold}})
    return tender


def sync_upload_window(tender: Tender) -> None:
    window = {s.code: s for s in ScheduleStage.objects.filter(tender=tender)}.get(
        StageCode.UPLOAD)
    tender.upload_starts_at = window.starts_at if window else None
    tender.upload_ends_at = window.ends_at if window else None
    tender.save(update_fields=["upload_starts_at", "upload_ends_at", "updated_at"])


@transaction.atomic
def schedule_set(*, actor: User, tender: Tender,
                 windows: Mapping[StageCode, StageWindow]) -> Tender:
    """Set the whole schedule of a draft tender (after publication: schedule changes)."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    if tender.status != Tender.Status.DRAFT:
        raise ValidationError(_("After publication the schedule changes only through a "
                                "schedule change request with its reason."))
    validate_schedule(windows, tender.plan, now=timezone.now())
    existing = {s.code: s for s in tender.stages.all()}
    for code, window in windows.items():
        stage = existing.pop(code, None) or ScheduleStage(tender=tender, code=code)
        stage.starts_at, stage.ends_at = window.starts_at, window.ends_at
        stage.save()
    for leftover in existing.values():
        leftover.delete()
    sync_upload_window(tender)
    audit_record(action="tenders.schedule_set", actor=actor, target=tender,
                 data={str(code): w.as_json() for code, w in windows.items()})
    return tender


def addendum_kinds(tender: Tender) -> set[str]:
    """The document kinds a new version would amend: after publication, those already there
    (a prequalification's first selection documents are not an addendum)."""
    if tender.status == Tender.Status.DRAFT:
        return set()
    return set(tender.documents.values_list("kind", flat=True))


@transaction.atomic
def document_add(*, actor: User, tender: Tender, source: IO[bytes], filename: str,
                 title: str, reason: str = "",
                 kind: str = TenderDocument.Kind.SELECTION) -> TenderDocument:
    """A new version of the tender documents. After publication it is an addendum: it needs
    a reason, is refused once the upload has closed, and during the upload stage only when
    bidders keep at least TENDER_ADDENDUM_MIN_UPLOAD_DAYS working days. A prequalification's
    qualification documents are amended until the qualification submission closes; its
    first selection documents may come after the publication, before the shortlist is
    decided (not an addendum)."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    title = require_text(title, "title")
    if kind not in TenderDocument.Kind.values or (
            kind == TenderDocument.Kind.QUALIFICATION and not tender.is_prequalification):
        raise ValidationError({"kind": _("Qualification documents belong to a "
                                         "prequalification.")})
    now = timezone.now()
    published = tender.status != Tender.Status.DRAFT
    if published:
        require_running(tender)
    is_addendum = kind in addendum_kinds(tender)
    if published and not is_addendum and PrequalificationResult.objects.filter(
            tender_id=tender.pk).exists():
        raise ValidationError(_("The shortlist has been decided: its documents can only be "
                                "amended (an addendum)."))
    if is_addendum and kind == TenderDocument.Kind.QUALIFICATION:
        reason = require_text(reason, "reason", _("An addendum needs its reason."))
        if tender.stage_ended(StageCode.QUALIFICATION_SUBMISSION, now):
            raise ValidationError(_("The qualification submission has closed: the "
                                    "qualification documents can no longer be amended."))
    elif is_addendum:
        reason = require_text(reason, "reason", _("An addendum needs its reason."))
        upload = tender.stage_window(StageCode.UPLOAD)
        if upload is None or upload.ends_at <= now:
            raise ValidationError(_("The upload has closed: the tender documents can no longer "
                                    "be amended."))
        minimum = addendum_min_upload_end(now)
        if upload.starts_at <= now and upload.ends_at < minimum:
            from lpse.core.templatetags.lpse import wib

            raise ValidationError(_(
                "An addendum during the upload must leave bidders at least %(days)s working "
                "days: first extend the upload deadline to %(minimum)s or later with a "
                "schedule change.") % {"days": _min_days(), "minimum": wib(minimum)})
    stored = store_file(source=source, original_name=filename, purpose="tenders.document",
                        policy=DOCUMENT_POLICY, uploaded_by=actor)
    if stored.content_type == ZIP:
        with open_stored(stored) as handle:
            check_zip(handle)
    last = tender.documents.order_by("-version").values_list("version", flat=True).first()
    document = TenderDocument(tender=tender, version=(last or 0) + 1, kind=kind, title=title,
                              file=stored, is_addendum=is_addendum, reason=reason.strip(),
                              uploaded_by=actor, uploaded_at=now)
    document.full_clean()
    document.save()
    audit_record(action="tenders.addendum_published" if is_addendum else
                 "tenders.document_uploaded", actor=actor, target=tender,
                 data={"version": document.version, "sha256": stored.sha256,
                       "reason": document.reason, "kind": kind})
    if is_addendum:
        submitted = bid_source().submitted_participant_ids(tender)
        readers = tender.participants.select_related("vendor", "vendor__account")
        if document_for_shortlist(document):
            readers = readers.filter(pk__in=shortlisted_ids(tender))
        for participant in readers:
            notifications.notify_participants(
                tender, "addendum", {"document": document,
                                     "already_submitted": participant.pk in submitted},
                participants=[participant])
    return document


def document_for_shortlist(document: TenderDocument) -> bool:
    """A prequalification's selection documents are for the shortlist only."""
    return (document.kind == TenderDocument.Kind.SELECTION
            and document.tender.is_prequalification)


def _min_days() -> int:
    from django.conf import settings

    return int(settings.TENDER_ADDENDUM_MIN_UPLOAD_DAYS)


def publication_problems(tender: Tender) -> list[str]:
    """What stops publication (shown on the workspace before the button is pressed)."""
    problems: list[str] = []
    if tender.status != Tender.Status.DRAFT:
        problems.append(_("The tender is already published."))
        return problems
    if tender.package.status != Package.Status.HANDED_OVER:
        problems.append(_("The package is no longer with the committee."))
    if tender.is_prequalification:
        if not tender.documents.filter(kind=TenderDocument.Kind.QUALIFICATION).exists():
            problems.append(_("Upload the qualification documents (Dokumen Kualifikasi)."))
    elif not tender.documents.exists():
        problems.append(_("Upload the tender documents."))
    schedule = tender.schedule()
    if not schedule:
        problems.append(_("Set the schedule."))
    else:
        try:
            validate_schedule(schedule, tender.plan, now=timezone.now())
        except ValidationError as exc:
            problems.extend(str(m) for m in exc.messages)
    if tender.evaluation_method.uses_technical_score and tender.technical_threshold is None:
        problems.append(_("Set the technical passing score."))
    problems.extend(publish_problems(tender))
    return problems


@transaction.atomic
def tender_publish(*, actor: User, tender: Tender) -> Tender:
    """Publish the announcement: the tender appears in the public list and vendors may join.

    Other modules hook in (lpse.tenders.hooks): checks may refuse, callbacks run in this
    transaction (the sealed-bids module creates the tender's key pair there)."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    problems = publication_problems(tender)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    tender.status = Tender.Status.PUBLISHED
    tender.published_at = now
    tender.published_by = actor
    tender.search_text = _search_text(tender)
    tender.save(update_fields=["status", "published_at", "published_by", "search_text",
                               "updated_at"])
    run_publish_callbacks(tender, actor)
    transaction.on_commit(public_list_changed)
    audit_record(action="tenders.tender_published", actor=actor, target=tender,
                 data={"schedule": {str(c): w.as_json() for c, w in tender.schedule().items()},
                       "owner_estimate": tender.owner_estimate})
    return tender


def _end(tender: Tender, *, actor: User, status: str, reason: str) -> None:
    tender.status = status
    tender.ended_at = timezone.now()
    tender.ended_by = actor
    tender.end_reason = reason
    tender.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "updated_at"])
    transaction.on_commit(public_list_changed)


@transaction.atomic
def tender_fail(*, actor: User, tender: Tender, reason: str) -> Tender:
    """The committee declares the tender failed (tender gagal); a re-tender may follow."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    require_running(tender)
    reason = require_text(reason, "reason", _("Give the reason the tender failed."))
    if hasattr(tender, "award_letter"):
        raise ValidationError(_("The letter of award has been issued: the tender can no longer "
                                "fail."))
    _end(tender, actor=actor, status=Tender.Status.FAILED, reason=reason)
    audit_record(action="tenders.tender_failed", actor=actor, target=tender,
                 data={"reason": reason})
    notifications.notify_participants(tender, "tender_ended", {"reason": reason,
                                                               "failed": True})
    return tender


@transaction.atomic
def tender_cancel(*, actor: User, tender: Tender, reason: str) -> Tender:
    """The PPK cancels the tender and its package (tender batal)."""
    tender = locked(tender)
    access_package_as_ppk(user=actor, package=tender.package)
    reason = require_text(reason, "reason", _("Give the reason for cancelling."))
    if tender.status not in (Tender.Status.DRAFT, Tender.Status.PUBLISHED):
        raise ValidationError(_("The tender has already ended."))
    if hasattr(tender, "contract"):
        raise ValidationError(_("The contract has been signed."))
    _end(tender, actor=actor, status=Tender.Status.CANCELLED, reason=reason)
    package = tender.package
    package.status = Package.Status.CANCELLED
    package.cancelled_at = tender.ended_at
    package.cancel_reason = reason
    package.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    audit_record(action="tenders.tender_cancelled", actor=actor, target=tender,
                 data={"reason": reason, "package": package.code})
    notifications.notify_participants(tender, "tender_ended", {"reason": reason,
                                                               "failed": False})
    return tender


@transaction.atomic
def tender_retender(*, actor: User, tender: Tender) -> Tender:
    """A new draft tender for the same package, linked to the failed one."""
    tender = locked(tender)
    access_tender_as_committee(user=actor, tender=tender)
    if tender.status != Tender.Status.FAILED:
        raise ValidationError(_("Only a failed tender can be tendered again."))
    if Tender.objects.filter(previous=tender).exists():
        raise ValidationError(_("This tender has already been tendered again."))
    return tender_create(actor=actor, package=tender.package, previous=tender)
