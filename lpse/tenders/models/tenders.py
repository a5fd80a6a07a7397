from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lpse.core.models import TimeStampedModel
from lpse.tenders.schedule import StageWindow, stage_at
from lpse.tenders.stages import StageCode, StagePlan, plan_for

__all__ = ["DocumentDownload", "ScheduleStage", "Tender", "TenderDocument"]

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}
PERCENT: dict[str, Any] = {"max_digits": 5, "decimal_places": 2}


class Tender(TimeStampedModel):
    """One selection process for a package, run by its committee.

    The stage the tender is in is derived from its schedule and the clock
    (`current_stage(now)`); `status` records only what people decided (publish, cancel,
    fail, complete). A re-tender is a new Tender pointing at the failed one (`previous`).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("tender status", "Draft")
        PUBLISHED = "published", pgettext_lazy("tender status", "Published")
        COMPLETED = "completed", pgettext_lazy("tender status", "Completed")
        FAILED = "failed", pgettext_lazy("tender status", "Failed")
        CANCELLED = "cancelled", pgettext_lazy("tender status", "Cancelled")

    ENDED = frozenset({Status.COMPLETED, Status.FAILED, Status.CANCELLED})

    code = models.CharField(_("tender code"), max_length=20, unique=True, editable=False)
    package = models.ForeignKey("tenders.Package", on_delete=models.PROTECT,
                                related_name="tenders", verbose_name=_("package"))
    previous = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="retender", verbose_name=_("re-tender of"))
    committee = models.ForeignKey("tenders.Committee", on_delete=models.PROTECT,
                                  related_name="tenders", verbose_name=_("committee"))
    name = models.CharField(_("name"), max_length=300)
    method = models.ForeignKey("catalog.SelectionMethod", on_delete=models.PROTECT,
                               related_name="tenders", verbose_name=_("selection method"))
    qualification = models.ForeignKey("catalog.QualificationType", on_delete=models.PROTECT,
                                      related_name="tenders", verbose_name=_("qualification"))
    file_method = models.ForeignKey("catalog.FileMethod", on_delete=models.PROTECT,
                                    related_name="tenders", verbose_name=_("file method"))
    evaluation_method = models.ForeignKey("catalog.EvaluationMethod", on_delete=models.PROTECT,
                                          related_name="tenders",
                                          verbose_name=_("evaluation method"))
    technical_weight = models.DecimalField(
        _("technical weight (%)"), **PERCENT, null=True, blank=True,
        help_text=_("Quality and cost method: weight of the technical score; the price "
                    "weight is the rest."))
    technical_threshold = models.DecimalField(
        _("technical passing score"), **PERCENT, null=True, blank=True,
        help_text=_("Methods with technical scores: the minimum score to pass."))
    requirements = models.TextField(_("participation and qualification requirements"),
                                    blank=True)
    # Copied from the package when the tender is created (the package is locked then), so
    # the public list is one indexed table.
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT,
                               related_name="tenders", verbose_name=_("agency"))
    category = models.ForeignKey("catalog.ProcurementCategory", on_delete=models.PROTECT,
                                 related_name="tenders",
                                 verbose_name=pgettext_lazy("tenders", "category"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    owner_estimate = models.DecimalField(_("owner's estimate (HPS)"), **MONEY)
    budget_ceiling = models.DecimalField(_("budget ceiling (pagu)"), **MONEY)
    search_text = models.TextField(editable=False, default="")
    # Copied from the schedule by the services that change it.
    upload_starts_at = models.DateTimeField(_("upload opens"), null=True, blank=True)
    upload_ends_at = models.DateTimeField(_("upload deadline"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    #: 1, then one more for each re-evaluation after an upheld objection to the winner.
    evaluation_round = models.PositiveSmallIntegerField(_("evaluation round"), default=1)
    winner_set_at = models.DateTimeField(_("winner determined at"), null=True, blank=True)
    winner_set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+")
    winner_announced_at = models.DateTimeField(_("winner announced at"), null=True,
                                               blank=True)
    winner_announced_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                            on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="+")
    ended_at = models.DateTimeField(pgettext_lazy("tenders", "ended at"), null=True,
                                    blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    end_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            # Public list: keyset pagination for each sort order (PostgreSQL adds a trigram
            # index on search_text in migration 0002).
            models.Index(fields=["-published_at", "-id"], name="tender_pub_list",
                         condition=models.Q(published_at__isnull=False)),
            models.Index(fields=["upload_ends_at", "id"], name="tender_upload_end",
                         condition=models.Q(published_at__isnull=False)),
            models.Index(fields=["owner_estimate", "id"], name="tender_estimate",
                         condition=models.Q(published_at__isnull=False)),
            models.Index(fields=["name", "id"], name="tender_name",
                         condition=models.Q(published_at__isnull=False)),
            models.Index(fields=["fiscal_year", "status"], name="tender_year_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="tender_published_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["failed", "cancelled"]) | ~models.Q(
                    end_reason=""),
                name="tender_end_has_reason",
            ),
        ]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    # --- Schedule (prefetch `stages` for lists) --------------------------------------
    @property
    def plan(self) -> StagePlan:
        return plan_for(self.method.code, prequalification=self.is_prequalification)

    @property
    def is_prequalification(self) -> bool:
        return bool(self.qualification.before_bidding)

    def schedule(self) -> dict[StageCode, StageWindow]:
        return {StageCode(s.code): StageWindow(s.starts_at, s.ends_at)
                for s in self.stages.all()}

    def stage_window(self, code: StageCode) -> StageWindow | None:
        """The window of one stage, e.g. `tender.stage_window(StageCode.UPLOAD)`."""
        return self.schedule().get(StageCode(code))

    def current_stage(self, now: datetime | None = None) -> StageCode | None:
        """The stage at `now` (default: the server clock), None before the first stage."""
        return stage_at(self.schedule(), now or timezone.now())

    def current_stages(self, now: datetime | None = None) -> list[StageCode]:
        """Every stage running at `now` (the announcement and download run side by side)."""
        moment = now or timezone.now()
        return [code for code, window in self.schedule().items() if window.contains(moment)]

    def stage_started(self, code: StageCode, now: datetime | None = None) -> bool:
        window = self.stage_window(code)
        return window is not None and window.starts_at <= (now or timezone.now())

    def stage_ended(self, code: StageCode, now: datetime | None = None) -> bool:
        window = self.stage_window(code)
        return window is not None and window.ends_at <= (now or timezone.now())

    def in_stage(self, code: StageCode, now: datetime | None = None) -> bool:
        window = self.stage_window(code)
        return window is not None and window.contains(now or timezone.now())

    @property
    def is_public(self) -> bool:
        return self.published_at is not None

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def uses_scores(self) -> bool:
        return bool(self.evaluation_method.uses_technical_score)


class ScheduleStage(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(_("stage"), max_length=30, choices=StageCode.choices)
    starts_at = models.DateTimeField(pgettext_lazy("tenders", "starts"))
    ends_at = models.DateTimeField(pgettext_lazy("tenders", "ends"))
    change_count = models.PositiveIntegerField(_("times changed"), default=0)
    start_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["tender_id", "starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "code"], name="schedule_stage_once"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="schedule_stage_ends_after_start"),
        ]
        indexes = [models.Index(fields=["code", "starts_at", "ends_at"],
                                name="schedule_stage_running")]
        verbose_name = _("schedule stage")
        verbose_name_plural = _("schedule stages")

    def __str__(self) -> str:
        return f"{self.tender_id}:{self.code}"

    @property
    def window(self) -> StageWindow:
        return StageWindow(self.starts_at, self.ends_at)


class TenderDocument(models.Model):
    """One version of the tender documents (dokumen pemilihan). After publication a new
    version is an addendum and carries its reason.

    A prequalification has two kinds: the qualification documents (dokumen kualifikasi),
    for every participant from the announcement, and the selection documents, for the
    shortlist only; the first selection document may follow the publication (it is not an
    addendum) and must exist before the shortlist is decided."""

    class Kind(models.TextChoices):
        SELECTION = "selection", _("Selection documents (Dokumen Pemilihan)")
        QUALIFICATION = "qualification", _("Qualification documents (Dokumen Kualifikasi)")

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    version = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.SELECTION)
    title = models.CharField(_("title"), max_length=200)
    file = models.OneToOneField("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    is_addendum = models.BooleanField(_("addendum"), default=False)
    reason = models.TextField(_("reason for the addendum"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["tender_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "version"], name="tender_document_version"),
            models.CheckConstraint(condition=models.Q(is_addendum=False) | ~models.Q(reason=""),
                                   name="tender_addendum_has_reason"),
        ]
        verbose_name = _("tender document")
        verbose_name_plural = _("tender documents")

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class DocumentDownload(models.Model):
    """Who downloaded which version of the tender documents, and when."""

    document = models.ForeignKey(TenderDocument, on_delete=models.CASCADE,
                                 related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    participant = models.ForeignKey("tenders.Participant", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="downloads")
    downloaded_at = models.DateTimeField(_("downloaded at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-downloaded_at"]
        verbose_name = _("document download")
        verbose_name_plural = _("document downloads")

    def __str__(self) -> str:
        return f"{self.document_id} by {self.user_id}"
