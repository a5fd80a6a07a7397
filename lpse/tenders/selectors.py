"""Reads of tenders, scoped to who asks."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lpse.accounts.roles import Perm, Role, has_perm, roles_of
from lpse.tenders.models import (
    Committee,
    CommitteeMember,
    Evaluation,
    Objection,
    Package,
    Participant,
    QualificationSubmission,
    Question,
    ScheduleChangeItem,
    ScheduleChangeRequest,
    ScheduleStage,
    Tender,
    TenderDocument,
)
from lpse.tenders.schedule import StageWindow, stage_at
from lpse.tenders.search import search_condition
from lpse.tenders.stages import StageCode

if TYPE_CHECKING:
    from lpse.accounts.models import User


# --- Committees and packages ---------------------------------------------------------------


def committees_visible_to(user: User) -> QuerySet[Committee]:
    qs = Committee.objects.select_related("agency").prefetch_related(
        Prefetch("members", queryset=CommitteeMember.objects.select_related("user")))
    if has_perm(user, Perm.VIEW_ALL_TENDERS):
        return qs
    condition = Q(pk__in=[])
    if (has_perm(user, Perm.MANAGE_COMMITTEES) or has_perm(user, Perm.VIEW_AGENCY_TENDERS)
            or has_perm(user, Perm.MANAGE_PACKAGES)) and user.agency_id:
        condition |= Q(agency_id=user.agency_id)
    if has_perm(user, Perm.RUN_TENDERS):
        condition |= Q(Exists(CommitteeMember.objects.filter(committee=OuterRef("pk"),
                                                             user_id=user.pk)))
    return qs.filter(condition)


def committees_for_hand_over(package: Package) -> QuerySet[Committee]:
    """Active committees of the package's agency that may run its selection method."""
    qs = Committee.objects.filter(agency_id=package.agency_id, is_active=True)
    run_by = package.method.run_by
    kind = Committee.Kind.OFFICER if run_by == "procurement_officer" else \
        Committee.Kind.COMMITTEE
    return qs.filter(kind=kind).order_by("name")


def packages_visible_to(user: User) -> QuerySet[Package]:
    qs = Package.objects.select_related("agency", "work_unit", "category", "method",
                                        "funding_source", "ppk", "committee")
    if has_perm(user, Perm.VIEW_ALL_TENDERS):
        return qs
    condition = Q(pk__in=[])
    if has_perm(user, Perm.MANAGE_PACKAGES):
        condition |= Q(ppk_id=user.pk)
    if has_perm(user, Perm.VIEW_AGENCY_TENDERS) and user.agency_id:
        condition |= Q(agency_id=user.agency_id)
    if has_perm(user, Perm.RUN_TENDERS):
        condition |= Q(Exists(CommitteeMember.objects.filter(
            committee_id=OuterRef("committee_id"), user_id=user.pk))) & ~Q(status="draft")
    return qs.filter(condition)


# --- Tenders in the workspace (officials) --------------------------------------------------


def _tender_related(qs: QuerySet[Tender]) -> QuerySet[Tender]:
    return qs.select_related("agency", "category", "method", "qualification", "file_method",
                             "evaluation_method", "committee", "package")


def tenders_visible_to(user: User) -> QuerySet[Tender]:
    """Tenders an official may open in the workspace, drafts included: the committee its
    own, the PPK those of its packages, the PA/KPA and agency admin their agency's, LPSE
    officers and the LKPP auditor all. Vendors see public tenders (`tenders_public`)."""
    qs = _tender_related(Tender.objects.all())
    if has_perm(user, Perm.VIEW_ALL_TENDERS):
        return qs
    condition = Q(pk__in=[])
    if has_perm(user, Perm.RUN_TENDERS):
        condition |= Q(Exists(CommitteeMember.objects.filter(
            committee_id=OuterRef("committee_id"), user_id=user.pk)))
    if has_perm(user, Perm.MANAGE_PACKAGES):
        condition |= Q(package__ppk_id=user.pk)
    if has_perm(user, Perm.VIEW_AGENCY_TENDERS) and user.agency_id:
        condition |= Q(agency_id=user.agency_id)
    return qs.filter(condition)


def tender_for_committee(*, user: User, pk: int) -> Tender:
    tender = tenders_visible_to(user).filter(pk=pk).first()
    if tender is None:
        raise Http404
    return tender


# --- Public -------------------------------------------------------------------------------


def tenders_public() -> QuerySet[Tender]:
    return Tender.objects.filter(published_at__isnull=False)


def tender_public(code: str) -> Tender:
    tender = _tender_related(tenders_public()).filter(code=code).prefetch_related(
        "stages").first()
    if tender is None:
        raise Http404
    return tender


def tender_public_row(code: str) -> Tender:
    """The published tender's own row, nothing related: for the bid upload's JSON calls,
    which need only its fields (status, upload window). `tender_public` joins eight tables,
    and planning that join costs PostgreSQL more than running it."""
    tender = tenders_public().filter(code=code).order_by().first()
    if tender is None:
        raise Http404
    return tender


def tenders_running_stage(stage: str, now: datetime | None = None) -> QuerySet[ScheduleStage]:
    moment = now or timezone.now()
    return ScheduleStage.objects.filter(code=stage, starts_at__lte=moment, ends_at__gt=moment)


SORTS: dict[str, tuple[str, bool]] = {
    # key: (field, descending)
    "newest": ("published_at", True),
    "deadline": ("upload_ends_at", False),
    "value_desc": ("owner_estimate", True),
    "value_asc": ("owner_estimate", False),
    "name": ("name", False),
}
DEFAULT_SORT = "newest"


@dataclass(frozen=True)
class TenderRow:
    """One line of the public list: plain values, so a page can be cached as it is."""

    pk: int
    code: str
    name: str
    agency_code: str
    agency_name: str
    category_code: str
    category_name: str
    category_name_en: str
    fiscal_year: int
    owner_estimate: Decimal
    status: str
    published_at: datetime | None
    upload_ends_at: datetime | None
    stage: str | None

    @property
    def category_label(self) -> str:
        from django.utils.translation import get_language

        english = (get_language() or "").startswith("en")
        return self.category_name_en if english and self.category_name_en else \
            self.category_name

    @property
    def stage_label(self) -> str:
        return str(StageCode(self.stage).label) if self.stage else ""

    @property
    def status_label(self) -> str:
        return str(Tender.Status(self.status).label)


@dataclass
class TenderPage:
    items: list[TenderRow]
    next_cursor: str | None
    prev_cursor: str | None
    sort: str


def _encode_cursor(value: Any, pk: int) -> str:
    if isinstance(value, datetime):
        raw: Any = ["t", value.isoformat()]
    elif isinstance(value, Decimal):
        raw = ["d", str(value)]
    else:
        raw = ["s", value]
    return base64.urlsafe_b64encode(json.dumps([raw, pk]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[Any, int] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        (kind, raw), pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        value: Any
        if kind == "t":
            value = datetime.fromisoformat(raw)
        elif kind == "d":
            value = Decimal(raw)
        else:
            value = str(raw)
        return value, int(pk)
    except (ValueError, TypeError, InvalidOperation, json.JSONDecodeError):
        return None


def public_tender_filter(params: Mapping[str, Any], now: datetime | None = None
                         ) -> QuerySet[Tender]:
    """The public list's filters: q, category, agency, stage, status, year, value range."""
    qs = tenders_public()
    if params.get("q"):
        qs = qs.filter(search_condition(str(params["q"])))
    if params.get("category"):
        qs = qs.filter(category_id=params["category"])
    if params.get("agency"):
        qs = qs.filter(agency_id=params["agency"])
    if params.get("year"):
        qs = qs.filter(fiscal_year=params["year"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("value_min") is not None and params.get("value_min") != "":
        qs = qs.filter(owner_estimate__gte=params["value_min"])
    if params.get("value_max") is not None and params.get("value_max") != "":
        qs = qs.filter(owner_estimate__lte=params["value_max"])
    if params.get("stage"):
        running = tenders_running_stage(str(params["stage"]), now)
        qs = qs.filter(Exists(running.filter(tender_id=OuterRef("pk")))).filter(
            status=Tender.Status.PUBLISHED)
    return qs


def _row(tender: Tender, now: datetime, schedule: Mapping[StageCode, StageWindow]
         ) -> TenderRow:
    stage = stage_at(schedule, now) if tender.status == Tender.Status.PUBLISHED else None
    return TenderRow(
        pk=tender.pk, code=tender.code, name=tender.name, agency_code=tender.agency.code,
        agency_name=tender.agency.name, category_code=tender.category.code,
        category_name=tender.category.name, category_name_en=tender.category.name_en,
        fiscal_year=tender.fiscal_year, owner_estimate=tender.owner_estimate,
        status=tender.status, published_at=tender.published_at,
        upload_ends_at=tender.upload_ends_at, stage=str(stage) if stage else None)


def public_tender_page(
    qs: QuerySet[Tender], *, sort: str = DEFAULT_SORT, after: str | None = None,
    before: str | None = None, size: int = 25, now: datetime | None = None,
) -> TenderPage:
    """Keyset pagination: no OFFSET and no COUNT, so page 4,000 costs what page 1 costs."""
    moment = now or timezone.now()
    sort = sort if sort in SORTS else DEFAULT_SORT
    field, descending = SORTS[sort]
    backwards = bool(before) and not after
    raw_cursor = (before if backwards else after) or ""
    cursor = _decode_cursor(raw_cursor) if raw_cursor else None
    forward_desc = descending != backwards
    if sort == "deadline":
        qs = qs.filter(upload_ends_at__isnull=False)
    if cursor is not None:
        value, pk = cursor
        if forward_desc:
            qs = qs.filter(Q(**{f"{field}__lt": value}) | Q(**{field: value, "pk__lt": pk}))
        else:
            qs = qs.filter(Q(**{f"{field}__gt": value}) | Q(**{field: value, "pk__gt": pk}))
    prefix = "-" if forward_desc else ""
    tenders = list(
        qs.order_by(f"{prefix}{field}", f"{prefix}pk")
        .select_related("agency", "category")
        .only("code", "name", "status", "owner_estimate", "fiscal_year", "published_at",
              "upload_ends_at", "agency__name", "agency__code", "category__code",
              "category__name", "category__name_en")[: size + 1]
    )
    has_more = len(tenders) > size
    tenders = tenders[:size]
    if backwards:
        tenders.reverse()
    next_cursor = prev_cursor = None
    if tenders:
        first, last = tenders[0], tenders[-1]
        if has_more or backwards:
            next_cursor = _encode_cursor(getattr(last, field), last.pk)
        if cursor is not None and (not backwards or has_more):
            prev_cursor = _encode_cursor(getattr(first, field), first.pk)
    # The schedules as plain tuples (a page holds ~300 stages: no model instances).
    schedules: dict[int, dict[StageCode, StageWindow]] = {t.pk: {} for t in tenders}
    for tender_id, code, starts_at, ends_at in ScheduleStage.objects.filter(
            tender_id__in=list(schedules)).order_by().values_list(
            "tender_id", "code", "starts_at", "ends_at"):
        schedules[tender_id][StageCode(code)] = StageWindow(starts_at, ends_at)
    return TenderPage(items=[_row(t, moment, schedules[t.pk]) for t in tenders],
                      next_cursor=next_cursor, prev_cursor=prev_cursor, sort=sort)


_LIST_VERSION_KEY = "tenders:public-list:version"


#: The version as this process last read it, and until when (monotonic) it may be reused:
#: a cached page then costs one round trip to the shared cache instead of two. Another
#: app server's change reaches this one within that second; this process's own at once.
_LIST_VERSION_MEMO: list[Any] = [0.0, None]
LIST_VERSION_MEMO_SECONDS = 1.0


def public_list_version() -> Any:
    """The generation of the public list's cached pages (part of their cache keys)."""
    import time

    from django.core.cache import cache

    until, version = _LIST_VERSION_MEMO
    now = time.monotonic()
    if version is None or now >= until:
        version = cache.get_or_set(_LIST_VERSION_KEY, 1, None)
        _LIST_VERSION_MEMO[:] = [now + LIST_VERSION_MEMO_SECONDS, version]
    return version


def public_list_changed() -> None:
    """Forget cached pages of the public list (a tender was published, changed or ended)."""
    from django.core.cache import cache

    try:
        cache.incr(_LIST_VERSION_KEY)
    except ValueError:
        cache.set(_LIST_VERSION_KEY, 2, None)
    _LIST_VERSION_MEMO[:] = [0.0, None]


def public_tender_page_cached(
    params: Mapping[str, Any], *, sort: str = DEFAULT_SORT, after: str | None = None,
    before: str | None = None, size: int = 25,
) -> TenderPage:
    """`public_tender_page` through the cache for TENDER_PUBLIC_LIST_CACHE_SECONDS (the
    stage shown may lag the clock by that much; publications and changes flush it)."""
    import hashlib

    from django.conf import settings
    from django.core.cache import cache

    ttl = int(getattr(settings, "TENDER_PUBLIC_LIST_CACHE_SECONDS", 0))

    def compute() -> TenderPage:
        now = timezone.now()
        return public_tender_page(public_tender_filter(params, now), sort=sort, after=after,
                                  before=before, size=size, now=now)

    if ttl <= 0:
        return compute()
    version = public_list_version()
    material = json.dumps([sorted((k, str(v)) for k, v in params.items() if v not in
                                  (None, "")), sort, after, before, size])
    key = f"tenders:public-list:{version}:{hashlib.sha256(material.encode()).hexdigest()}"
    page: TenderPage | None = cache.get(key)
    if page is None:
        page = compute()
        cache.set(key, page, ttl)
    return page


# --- Participation -------------------------------------------------------------------------


def participant_of(user: User, tender: Tender) -> Participant | None:
    if Role.VENDOR not in roles_of(user):
        return None
    vendor = getattr(user, "vendor", None)
    if vendor is None:
        return None
    return Participant.objects.filter(tender=tender, vendor=vendor).first()


def participations_of(user: User) -> QuerySet[Participant]:
    vendor = getattr(user, "vendor", None) if Role.VENDOR in roles_of(user) else None
    if vendor is None:
        return Participant.objects.none()
    return Participant.objects.filter(vendor=vendor).select_related(
        "tender", "tender__agency", "tender__category").prefetch_related(
        "tender__stages").order_by("-joined_at")


def participants_of(tender: Tender) -> QuerySet[Participant]:
    return tender.participants.select_related(
        "vendor", "vendor__account", "integrity_pact").annotate(
        download_count=Count("downloads")).order_by("joined_at", "pk")


def current_document(tender: Tender) -> TenderDocument | None:
    return tender.documents.select_related("file").order_by("-version").first()


def questions_of(tender: Tender) -> QuerySet[Question]:
    return tender.questions.select_related("participant__vendor").order_by("asked_at", "pk")


def evaluations_of(tender: Tender) -> QuerySet[Evaluation]:
    """The ranked bids by rank, then the others by offer (on every database: NULL ranks
    sort first on SQLite and last on PostgreSQL unless told)."""
    return tender.evaluations.select_related("participant__vendor").order_by(
        F("rank").asc(nulls_last=True), "offer_amount", "pk")


def qualification_submissions_of(tender: Tender) -> QuerySet[QualificationSubmission]:
    return tender.qualification_submissions.select_related(
        "participant__vendor", "file").order_by("participant__vendor__name", "pk")


def objections_of(tender: Tender) -> QuerySet[Objection]:
    return tender.objections.select_related("participant__vendor", "answered_by").order_by(
        "filed_at", "pk")


# --- Schedule changes ---------------------------------------------------------------------


def schedule_history(tender: Tender) -> dict[str, list[ScheduleChangeItem]]:
    """Applied changes per stage, oldest first: old → new, reason, who, when."""
    items = ScheduleChangeItem.objects.filter(
        request__tender=tender, request__status=ScheduleChangeRequest.Status.APPLIED,
    ).select_related("request", "request__requested_by", "request__decided_by").order_by(
        "request__decided_at", "pk")
    history: dict[str, list[ScheduleChangeItem]] = {}
    for item in items:
        history.setdefault(item.stage, []).append(item)
    return history


def schedule_changes_visible_to(user: User) -> QuerySet[ScheduleChangeRequest]:
    qs = ScheduleChangeRequest.objects.select_related(
        "tender", "tender__committee", "requested_by", "received_by", "decided_by",
    ).prefetch_related("items")
    if has_perm(user, Perm.APPLY_SCHEDULE_CHANGE) or has_perm(user, Perm.VIEW_ALL_TENDERS):
        return qs
    return qs.filter(tender__in=tenders_visible_to(user))


def open_change_request(tender: Tender) -> ScheduleChangeRequest | None:
    return tender.schedule_changes.filter(
        status__in=ScheduleChangeRequest.OPEN).prefetch_related("items").first()


# --- For other modules ---------------------------------------------------------------------


@dataclass(frozen=True)
class UploadDeadline:
    tender_id: int
    code: str
    name: str
    upload_starts_at: datetime
    upload_ends_at: datetime


def _deadline(tender: Tender) -> UploadDeadline:
    assert tender.upload_starts_at is not None
    assert tender.upload_ends_at is not None
    return UploadDeadline(tender.pk, tender.code, tender.name, tender.upload_starts_at,
                          tender.upload_ends_at)


def upload_deadlines_between(start: datetime, end: datetime) -> list[UploadDeadline]:
    """Published, running tenders whose bid upload deadline falls in [start, end].

    Operations refuses a maintenance window that contains one (a vendor must be able to
    upload until the deadline)."""
    rows = Tender.objects.filter(
        status=Tender.Status.PUBLISHED, upload_ends_at__gte=start, upload_ends_at__lte=end,
    ).order_by("upload_ends_at", "pk")
    return [_deadline(tender) for tender in rows]


def upload_windows_overlapping(start: datetime, end: datetime) -> list[UploadDeadline]:
    """Published, running tenders whose upload stage overlaps [start, end] at all."""
    rows = Tender.objects.filter(
        status=Tender.Status.PUBLISHED, upload_starts_at__lt=end, upload_ends_at__gt=start,
    ).order_by("upload_ends_at", "pk")
    return [_deadline(tender) for tender in rows]


def committee_members_of(tender: Tender) -> list[User]:
    """The accounts of the tender's committee members (the bids module splits the opening
    key among them)."""
    return tender.committee.member_users()


__all__ = [
    "StageCode",
    "TenderPage",
    "UploadDeadline",
    "committee_members_of",
    "public_tender_filter",
    "public_tender_page",
    "tenders_public",
    "tenders_visible_to",
    "upload_deadlines_between",
    "upload_windows_overlapping",
]
