"""Portal content (Lampiran 5, items 6–11): news, price index, goods catalogue and categories."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lpse.catalog.models.master import MasterData, validate_code
from lpse.core.models import TimeStampedModel

__all__ = ["CatalogueItem", "GoodsCategory", "NewsArticle", "PriceIndexEntry"]


class NewsArticle(TimeStampedModel):
    """Berita: drafted by an administrator, public once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address (slug)"), max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    body = models.TextField(pgettext_lazy("news", "text"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("author"),
    )

    history_fields = ("title", "slug", "summary", "body", "status", "published_at")

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="catalog_news_published_has_date",
                violation_error_message=_("A published article needs a publication time."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PriceIndexEntry(TimeStampedModel):
    """Indeks harga: one value of a price series for a region and period.

    Index series (e.g. the construction wholesale price index, base period = 100) adjust the
    value of past contracts when the committee computes a vendor's basic capability
    (Kemampuan Dasar); unit-price series are reference prices for owner's estimates.
    """

    class Kind(models.TextChoices):
        INDEX = "index", _("Index number")
        UNIT_PRICE = "unit_price", _("Unit price (Rp)")

    item_code = models.CharField(_("item code"), max_length=40, validators=[validate_code])
    item_name = models.CharField(pgettext_lazy("price index", "item"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INDEX)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    region_code = models.CharField(
        _("region code"), max_length=10, help_text=_("BPS region code, e.g. 3211 for Sumedang.")
    )
    region_name = models.CharField(_("region"), max_length=120)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Empty for an annual value."),
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    base_period = models.CharField(_("base period"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history_fields = (
        "item_code", "item_name", "kind", "unit", "region_code", "region_name", "year",
        "month", "value", "base_period", "source", "notes", "is_active",
    )

    class Meta:
        ordering = ["-year", "-month", "item_name", "region_name"]
        verbose_name = _("price index entry")
        verbose_name_plural = _("price index entries")
        constraints = [
            models.UniqueConstraint(
                fields=["item_code", "region_code", "year", "month"],
                name="catalog_price_index_monthly_unique",
                violation_error_message=_(
                    "An entry for this item, region and period already exists."
                ),
            ),
            models.UniqueConstraint(
                fields=["item_code", "region_code", "year"],
                condition=Q(month__isnull=True),
                name="catalog_price_index_annual_unique",
                violation_error_message=_(
                    "An entry for this item, region and period already exists."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__gt=0), name="catalog_price_index_positive",
                violation_error_message=_("The value must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="catalog_price_index_month_range",
                violation_error_message=_("The month must be between 1 and 12."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_name} — {self.region_name} {self.period}"

    @property
    def period(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"


class GoodsCategory(MasterData):
    """Kategori barang of the goods catalogue (hierarchical)."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent category"),
    )

    history_fields = (*MasterData.history_fields, "parent")

    class Meta(MasterData.Meta):
        verbose_name = _("goods category")
        verbose_name_plural = _("goods categories")


class CatalogueItem(TimeStampedModel):
    """An item of the goods catalogue (katalog) with its reference price."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        GoodsCategory, on_delete=models.PROTECT, related_name="items",
        verbose_name=_("goods category"),
    )
    specification = models.TextField(_("specification"))
    unit = models.CharField(_("unit"), max_length=40)
    reference_price = models.DecimalField(
        _("reference price (Rp)"), max_digits=18, decimal_places=2
    )
    price_date = models.DateField(_("price date"), null=True, blank=True)
    brand = models.CharField(_("brand"), max_length=120, blank=True)
    supplier = models.CharField(_("vendor / supplier"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history_fields = (
        "code", "name", "category", "specification", "unit", "reference_price", "price_date",
        "brand", "supplier", "is_active",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        constraints = [
            models.CheckConstraint(
                condition=Q(reference_price__gte=0), name="catalog_item_price_not_negative",
                violation_error_message=_("The reference price cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return self.name
