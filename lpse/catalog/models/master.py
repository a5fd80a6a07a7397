"""Master data of procurement, maintained by the application administrator.

Every table has a stable `code` (other apps look entries up by it and refer to them by
foreign key), an official Indonesian `name` with an optional English `name_en`, an order,
and `is_active`: an entry that is in use is deactivated, never deleted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lpse.core.models import TimeStampedModel

__all__ = [
    "BusinessField",
    "EvaluationMethod",
    "FileMethod",
    "FundingSource",
    "MasterData",
    "ProcurementCategory",
    "QualificationType",
    "SelectionMethod",
    "validate_code",
]

validate_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters, digits, dot, dash and underscore only, starting with a letter or digit."),
)


class MasterData(TimeStampedModel):
    code = models.CharField(
        _("code"), max_length=30, unique=True, validators=[validate_code],
        help_text=_("Stable identifier used by other modules; it cannot be changed later."),
    )
    name = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    #: Fields copied into each change version (see lpse.catalog.history).
    history_fields: tuple[str, ...] = (
        "code", "name", "name_en", "description", "sort_order", "is_active",
    )

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (English when set and English is active)."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class ProcurementCategory(MasterData):
    """Jenis pengadaan: goods, construction works, consulting (firm/individual), other services."""

    class Meta(MasterData.Meta):
        verbose_name = _("procurement category")
        verbose_name_plural = _("procurement categories")


class SelectionMethod(MasterData):
    """Metode pemilihan (Tender, Tender Cepat, Seleksi, Pengadaan/Penunjukan Langsung)."""

    class RunBy(models.TextChoices):
        COMMITTEE = "committee", _("Procurement committee (Pokja Pemilihan)")
        PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer (Pejabat Pengadaan)")

    categories = models.ManyToManyField(
        ProcurementCategory, related_name="selection_methods", blank=True,
        verbose_name=_("applies to categories"),
    )
    run_by = models.CharField(
        _("run by"), max_length=30, choices=RunBy.choices, default=RunBy.COMMITTEE
    )
    is_open_competition = models.BooleanField(
        _("open competition"), default=True,
        help_text=_("Announced publicly and open to every qualified vendor."),
    )

    history_fields = (*MasterData.history_fields, "categories", "run_by", "is_open_competition")

    class Meta(MasterData.Meta):
        verbose_name = _("selection method")
        verbose_name_plural = _("selection methods")


class QualificationType(MasterData):
    """Prakualifikasi (before bids are invited) or pascakualifikasi (with the bids)."""

    before_bidding = models.BooleanField(
        _("before bidding"), default=False,
        help_text=_("Qualification is evaluated before bids are invited (prequalification)."),
    )

    history_fields = (*MasterData.history_fields, "before_bidding")

    class Meta(MasterData.Meta):
        verbose_name = _("qualification type")
        verbose_name_plural = _("qualification types")


class FileMethod(MasterData):
    """Metode dokumen penawaran: satu file, dua file, dua tahap."""

    envelope_count = models.PositiveSmallIntegerField(
        _("number of bid files"), default=1,
        help_text=_("How many separately sealed bid files a vendor submits."),
    )
    two_stage = models.BooleanField(
        _("two stages"), default=False,
        help_text=_("Technical and price proposals are submitted in two separate stages."),
    )

    history_fields = (*MasterData.history_fields, "envelope_count", "two_stage")

    class Meta(MasterData.Meta):
        verbose_name = _("file method")
        verbose_name_plural = _("file methods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(envelope_count__gte=1, envelope_count__lte=2),
                name="catalog_file_method_envelopes_1_2",
                violation_error_message=_("A bid consists of one or two files."),
            )
        ]


class EvaluationMethod(MasterData):
    """Metode evaluasi. `ranking_rule` tells the tender module how bidders are ranked."""

    class RankingRule(models.TextChoices):
        LOWEST_PRICE = "lowest_price", _("Lowest corrected price among passing bids")
        QUALITY_AND_COST = "quality_and_cost", _("Highest weighted technical and cost score")
        QUALITY = "quality", _("Highest technical score, then price negotiation")
        FIXED_BUDGET = "fixed_budget", _("Highest technical score among bids within the budget")

    categories = models.ManyToManyField(
        ProcurementCategory, related_name="evaluation_methods", blank=True,
        verbose_name=_("applies to categories"),
    )
    ranking_rule = models.CharField(
        _("ranking rule"), max_length=30, choices=RankingRule.choices,
        default=RankingRule.LOWEST_PRICE,
    )
    uses_technical_score = models.BooleanField(
        _("technical scores"), default=False,
        help_text=_("The technical evaluation gives scores instead of pass/fail."),
    )

    history_fields = (
        *MasterData.history_fields, "categories", "ranking_rule", "uses_technical_score",
    )

    class Meta(MasterData.Meta):
        verbose_name = _("evaluation method")
        verbose_name_plural = _("evaluation methods")


class BusinessField(MasterData):
    """Bidang / sub-bidang usaha with KBLI-style codes; a sub-field has a parent."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent field"),
    )
    category = models.ForeignKey(
        ProcurementCategory, on_delete=models.PROTECT, null=True, blank=True,
        related_name="business_fields", verbose_name=_("procurement category"),
    )

    history_fields = (*MasterData.history_fields, "parent", "category")

    class Meta(MasterData.Meta):
        ordering = ["code"]
        verbose_name = _("business field")
        verbose_name_plural = _("business fields")

    def clean(self) -> None:
        super().clean()
        ancestor = self.parent
        seen: set[int] = set()
        while ancestor is not None:
            if (self.pk is not None and ancestor.pk == self.pk) or ancestor.pk in seen:
                raise ValidationError(
                    {"parent": _("A field cannot be placed under itself or its own sub-field.")}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    @property
    def depth(self) -> int:
        depth, node = 0, self.parent
        while node is not None:
            depth, node = depth + 1, node.parent
        return depth


class FundingSource(MasterData):
    """Sumber dana (APBD, APBN, DAK, BLUD, Hibah…)."""

    class Meta(MasterData.Meta):
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
