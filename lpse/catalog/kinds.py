"""The master-data tables maintained through the same generic pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import Perm
from lpse.catalog.models import (
    BusinessField,
    EvaluationMethod,
    FileMethod,
    FundingSource,
    GoodsCategory,
    MasterData,
    ProcurementCategory,
    QualificationType,
    SelectionMethod,
)
from lpse.catalog.services import master_perm


@dataclass(frozen=True)
class MasterKind:
    slug: str
    model: type[MasterData]
    title: str | Promise

    @property
    def perm(self) -> Perm:
        return master_perm(self.model)

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)


MASTER_KINDS: dict[str, MasterKind] = {
    kind.slug: kind
    for kind in [
        MasterKind("categories", ProcurementCategory, _("Procurement categories")),
        MasterKind("selection-methods", SelectionMethod, _("Selection methods")),
        MasterKind("qualification-types", QualificationType, _("Qualification types")),
        MasterKind("file-methods", FileMethod, _("File methods")),
        MasterKind("evaluation-methods", EvaluationMethod, _("Evaluation methods")),
        MasterKind("business-fields", BusinessField, _("Business fields")),
        MasterKind("funding-sources", FundingSource, _("Funding sources")),
        MasterKind("goods-categories", GoodsCategory, _("Goods categories")),
    ]
}


def master_kind(slug: str) -> MasterKind:
    try:
        return MASTER_KINDS[slug]
    except KeyError:
        raise Http404(slug) from None
