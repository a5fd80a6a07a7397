"""Input parsing for the catalog's pages; rules live in the models and services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lpse.catalog.models import (
    BusinessField,
    CatalogueItem,
    EvaluationMethod,
    FileMethod,
    GoodsCategory,
    MasterData,
    NewsArticle,
    PriceIndexEntry,
    QualificationType,
    SelectionMethod,
)

MASTER_BASE_FIELDS = ["code", "name", "name_en", "description", "sort_order"]

#: Extra fields of each master-data model, after the common ones.
MASTER_EXTRA_FIELDS: dict[type[MasterData], list[str]] = {
    SelectionMethod: ["categories", "run_by", "is_open_competition"],
    QualificationType: ["before_bidding"],
    FileMethod: ["envelope_count", "two_stage"],
    EvaluationMethod: ["categories", "ranking_rule", "uses_technical_score"],
    BusinessField: ["parent", "category"],
    GoodsCategory: ["parent"],
}


class MasterDataForm(forms.ModelForm[MasterData]):
    """Common form; the code is fixed once the entry exists."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].widget = forms.Textarea(attrs={"rows": 3})
        if self.instance.pk is not None:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code cannot be changed.")
        if "categories" in self.fields:
            self.fields["categories"].widget = forms.CheckboxSelectMultiple()
            chosen: list[int] = []
            if self.instance.pk is not None:
                chosen = list(getattr(self.instance, "categories").values_list("pk", flat=True))  # noqa: B009
            self._limit("categories", chosen)
        for name in ("parent", "category"):
            if name in self.fields:
                current = getattr(self.instance, f"{name}_id", None)
                self._limit(name, [current] if current else [])
        if "parent" in self.fields and self.instance.pk is not None:
            parent: forms.ModelChoiceField[Any] = self.fields["parent"]  # type: ignore[assignment]
            if parent.queryset is not None:
                parent.queryset = parent.queryset.exclude(pk=self.instance.pk)

    def _limit(self, name: str, chosen: list[int]) -> None:
        """Offer active entries, plus those already chosen (they stay valid where used)."""
        field: forms.ModelChoiceField[Any] = self.fields[name]  # type: ignore[assignment]
        if field.queryset is not None:
            field.queryset = field.queryset.filter(Q(is_active=True) | Q(pk__in=chosen))

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


def master_form_for(model: type[MasterData]) -> type[MasterDataForm]:
    fields = MASTER_BASE_FIELDS + MASTER_EXTRA_FIELDS.get(model, [])
    return forms.modelform_factory(model, form=MasterDataForm, fields=fields)  # type: ignore[arg-type,return-value]


class NewsForm(forms.ModelForm[NewsArticle]):
    class Meta:
        model = NewsArticle
        fields = ["title", "slug", "summary", "body"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 12}),
        }
        help_texts = {
            "slug": _("Part of the public address; leave empty to derive it from the title."),
            "body": _("Plain text; an empty line starts a new paragraph."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False


class PublishForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Publish at (WIB)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty to publish now; a later time schedules the publication."),
    )


class PriceIndexForm(forms.ModelForm[PriceIndexEntry]):
    class Meta:
        model = PriceIndexEntry
        fields = ["item_code", "item_name", "kind", "unit", "region_code", "region_name",
                  "year", "month", "value", "base_period", "source", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class CatalogueItemForm(forms.ModelForm[CatalogueItem]):
    class Meta:
        model = CatalogueItem
        fields = ["code", "name", "category", "specification", "unit", "reference_price",
                  "price_date", "brand", "supplier"]
        widgets = {
            "specification": forms.Textarea(attrs={"rows": 5}),
            "price_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category: forms.ModelChoiceField[Any] = self.fields["category"]  # type: ignore[assignment]
        current = self.instance.category_id if self.instance.pk else None
        category.queryset = GoodsCategory.objects.filter(
            Q(is_active=True) | Q(pk__in=[current] if current else [])
        )
        if self.instance.pk is not None:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code cannot be changed.")

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
