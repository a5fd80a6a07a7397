"""Pages of the catalog: public portal content and its administration.

Public: news (with an Atom feed), price index, goods catalogue, goods categories, business
fields. Administration (Perm.VIEW_CATALOG_RECORDS to read, Perm.MANAGE_CONTENT /
Perm.MANAGE_MASTER_DATA to change): every record with its history of changes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from lpse.accounts.access import PermRequiredMixin, perm_required, request_user
from lpse.accounts.roles import Perm, has_perm
from lpse.catalog import selectors, services
from lpse.catalog.forms import (
    CatalogueItemForm,
    NewsForm,
    PriceIndexForm,
    PublishForm,
    master_form_for,
)
from lpse.catalog.kinds import MASTER_KINDS, MasterKind, master_kind
from lpse.catalog.models import (
    CatalogueItem,
    ChangeVersion,
    GoodsCategory,
    MasterData,
    NewsArticle,
    PriceIndexEntry,
)
from lpse.catalog.tables import (
    BusinessFieldFilter,
    BusinessFieldTable,
    CatalogueFilter,
    CatalogueTable,
    GoodsCategoryFilter,
    GoodsCategoryTable,
    ManageCatalogueFilter,
    ManageCatalogueTable,
    ManageNewsFilter,
    ManageNewsTable,
    ManagePriceIndexFilter,
    ManagePriceIndexTable,
    MasterTable,
    NewsFilter,
    NewsTable,
    PriceIndexFilter,
    PriceIndexTable,
    master_filter_for,
    with_item_counts,
)
from lpse.catalog.versions import field_labels, versions_of
from lpse.core.forms import add_service_errors
from lpse.core.tables import FilteredTableView
from lpse.core.templatetags.lpse import rupiah, wib

# --- Helpers -------------------------------------------------------------------------------


def _display(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return pgettext("boolean", "Yes") if value else pgettext("boolean", "No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _stored_display(model: type[models.Model], name: str, value: Any) -> str:
    """A value as stored in a version, shown like on the record's page."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return _display(value)
    choices = dict(getattr(field, "flatchoices", None) or ())
    if not isinstance(value, list | dict) and value in choices:
        return str(choices[value])
    if isinstance(value, str) and isinstance(field, models.DateTimeField):
        return wib(datetime.fromisoformat(value))
    if isinstance(value, str) and isinstance(field, models.DateField):
        return date.fromisoformat(value).strftime("%d-%m-%Y")
    return _display(value)


def history_rows(obj: models.Model) -> list[dict[str, Any]]:
    """The versions of `obj`, newest first, with labelled old → new values."""
    model = type(obj)
    labels = field_labels(model)
    rows = []
    for version in versions_of(obj):
        changes = [
            {"field": labels.get(name, name), "old": _stored_display(model, name, old),
             "new": _stored_display(model, name, new)}
            for name, (old, new) in version.changes.items()
        ]
        rows.append({"version": version, "changes": changes})
    return rows


def record_rows(obj: models.Model) -> list[tuple[str, str]]:
    """Label and display value of each versioned field of `obj`, for detail pages."""
    rows = []
    for name in getattr(obj, "history_fields", ()):
        field = obj._meta.get_field(name)
        label = str(getattr(field, "verbose_name", name))
        if field.many_to_many:
            value: Any = [str(o) for o in getattr(obj, name).all()]
        elif getattr(field, "choices", None):
            value = getattr(obj, f"get_{name}_display")()
        else:
            value = getattr(obj, name)
        if isinstance(value, Decimal) and name in ("reference_price",):
            value = rupiah(value)
        elif isinstance(value, datetime):
            value = wib(value)
        elif isinstance(value, date):
            value = value.strftime("%d-%m-%Y")
        rows.append((label, _display(value)))
    return rows


def _can(request: HttpRequest, perm: Perm) -> bool:
    return has_perm(request.user, perm)  # type: ignore[arg-type]


# --- Public pages --------------------------------------------------------------------------


def portal_index(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/index.html", {
        "latest_news": selectors.latest_news(3),
        "item_count": selectors.catalogue_items_public().count(),
        "price_index_count": selectors.price_index_public().count(),
    })


class _PublicList(FilteredTableView):
    template_name = "catalog/public_list.html"
    title: Any = ""
    intro: Any = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["intro"] = self.intro
        return context


class NewsListView(_PublicList):
    table_class = NewsTable
    filterset_class = NewsFilter
    template_name = "catalog/news_list.html"
    title = gettext_lazy("News")

    def get_queryset(self) -> QuerySet[NewsArticle]:
        return selectors.news_published()


def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(selectors.news_published(), slug=slug)
    return render(request, "catalog/news_detail.html", {
        "article": article,
        "can_manage": _can(request, Perm.MANAGE_CONTENT),
    })


class NewsFeed(Feed):  # type: ignore[type-arg]
    """Atom feed of the latest published news."""

    feed_type = Atom1Feed
    link = reverse_lazy("catalog:news_list")

    def title(self) -> str:
        return _("LPSE news")

    def subtitle(self) -> str:
        return _("Latest news of the electronic procurement service")

    def items(self) -> list[NewsArticle]:
        return selectors.latest_news(30)

    def item_title(self, item: NewsArticle) -> str:
        return item.title

    def item_description(self, item: NewsArticle) -> str:
        # Atom carries the summary as HTML: escape the plain text so it stays text.
        return escape(item.summary or item.body[:400])

    def item_link(self, item: NewsArticle) -> str:
        return reverse("catalog:news_detail", args=[item.slug])

    def item_pubdate(self, item: NewsArticle) -> Any:
        return item.published_at

    def item_updateddate(self, item: NewsArticle) -> Any:
        return item.updated_at

    def item_author_name(self, item: NewsArticle) -> str:
        return item.author.full_name if item.author else "LPSE"


class PriceIndexListView(_PublicList):
    table_class = PriceIndexTable
    filterset_class = PriceIndexFilter
    title = gettext_lazy("Price index")
    intro = gettext_lazy(
        "Reference prices and price indices by period and region. Index series adjust the "
        "value of past contracts when the basic capability (Kemampuan Dasar) of a vendor is "
        "evaluated; unit prices are references for owner's estimates."
    )

    def get_queryset(self) -> QuerySet[PriceIndexEntry]:
        return selectors.price_index_public()


class CatalogueListView(_PublicList):
    table_class = CatalogueTable
    filterset_class = CatalogueFilter
    title = gettext_lazy("Goods catalogue")
    intro = gettext_lazy(
        "Goods with their specification and reference price, maintained by LPSE."
    )

    def get_queryset(self) -> QuerySet[CatalogueItem]:
        return selectors.catalogue_items_public()


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.catalogue_items_public(), pk=pk)
    return render(request, "catalog/item_detail.html", {
        "item": item, "can_manage": _can(request, Perm.MANAGE_CONTENT),
    })


class GoodsCategoryListView(_PublicList):
    table_class = GoodsCategoryTable
    filterset_class = GoodsCategoryFilter
    title = gettext_lazy("Goods categories")

    def get_queryset(self) -> QuerySet[GoodsCategory]:
        return with_item_counts(selectors.active_goods_categories()).order_by("sort_order", "name")


class BusinessFieldListView(_PublicList):
    table_class = BusinessFieldTable
    filterset_class = BusinessFieldFilter
    title = gettext_lazy("Business fields")
    intro = gettext_lazy(
        "Business fields (bidang) and sub-fields (sub-bidang) with KBLI codes, used in "
        "package requirements and vendor profiles."
    )
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.active_business_fields().select_related("parent__category")


# --- Administration: overview --------------------------------------------------------------


@perm_required(Perm.VIEW_CATALOG_RECORDS)
def manage_index(request: HttpRequest) -> HttpResponse:
    kinds = [
        {"kind": kind, "total": kind.model._default_manager.count(),
         "active": kind.model._default_manager.filter(is_active=True).count()}
        for kind in MASTER_KINDS.values()
    ]
    return render(request, "catalog/manage/index.html", {
        "kinds": kinds,
        "news_drafts": NewsArticle.objects.filter(status=NewsArticle.Status.DRAFT).count(),
        "news_published": NewsArticle.objects.filter(
            status=NewsArticle.Status.PUBLISHED).count(),
        "price_index_count": PriceIndexEntry.objects.count(),
        "item_count": CatalogueItem.objects.count(),
        "recent": ChangeVersion.objects.select_related("actor").order_by("-at", "-pk")[:10],
    })


class _ManageList(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VIEW_CATALOG_RECORDS
    template_name = "catalog/manage/list.html"
    title: Any = ""
    create_url: Any = ""
    manage_perm = Perm.MANAGE_CONTENT

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if _can(self.request, self.manage_perm):
            context["create_url"] = self.create_url
        return context


def _record_page(request: HttpRequest, obj: models.Model, **extra: Any) -> HttpResponse:
    return render(request, "catalog/manage/record_detail.html", {
        "object": obj, "rows": record_rows(obj), "history": history_rows(obj), **extra,
    })


def _form_page(request: HttpRequest, form: Any, title: str, back: str) -> HttpResponse:
    return render(request, "catalog/manage/form.html", {"form": form, "title": title,
                                                        "back": back})


# --- Administration: news ------------------------------------------------------------------


class ManageNewsListView(_ManageList):
    table_class = ManageNewsTable
    filterset_class = ManageNewsFilter
    title = gettext_lazy("News (all)")
    create_url = reverse_lazy("catalog:news_create")

    def get_queryset(self) -> QuerySet[NewsArticle]:
        return selectors.news_all()


@perm_required(Perm.MANAGE_CONTENT)
def news_create(request: HttpRequest) -> HttpResponse:
    form = NewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.news_create(actor=request_user(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The draft has been saved. Publish it when ready."))
            return redirect("catalog:manage_news_detail", pk=article.pk)
    return _form_page(request, form, _("New news article"), reverse("catalog:manage_news_list"))


@perm_required(Perm.VIEW_CATALOG_RECORDS)
def manage_news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.news_all(), pk=pk)
    return render(request, "catalog/manage/news_detail.html", {
        "article": article, "history": history_rows(article),
        "publish_form": PublishForm(), "can_manage": _can(request, Perm.MANAGE_CONTENT),
        "is_public": selectors.news_published().filter(pk=pk).exists(),
    })


@perm_required(Perm.MANAGE_CONTENT)
def news_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.news_all(), pk=pk)
    form = NewsForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        try:
            services.news_update(actor=request_user(request), article=article,
                                 **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The news article has been saved."))
            return redirect("catalog:manage_news_detail", pk=pk)
    return _form_page(request, form, _("Edit news article"),
                      reverse("catalog:manage_news_detail", args=[pk]))


@perm_required(Perm.MANAGE_CONTENT)
@require_POST
def news_publish(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.news_all(), pk=pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid publication time."))
        return redirect("catalog:manage_news_detail", pk=pk)
    try:
        services.news_publish(actor=request_user(request), article=article,
                              at=form.cleaned_data["at"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The article has been published."))
    return redirect("catalog:manage_news_detail", pk=pk)


@perm_required(Perm.MANAGE_CONTENT)
@require_POST
def news_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.news_all(), pk=pk)
    try:
        services.news_unpublish(actor=request_user(request), article=article)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The article has been withdrawn from the public pages."))
    return redirect("catalog:manage_news_detail", pk=pk)


# --- Administration: price index -----------------------------------------------------------


class ManagePriceIndexListView(_ManageList):
    table_class = ManagePriceIndexTable
    filterset_class = ManagePriceIndexFilter
    title = gettext_lazy("Price index (all entries)")
    create_url = reverse_lazy("catalog:price_index_create")

    def get_queryset(self) -> QuerySet[PriceIndexEntry]:
        return PriceIndexEntry.objects.all()


@perm_required(Perm.MANAGE_CONTENT)
def price_index_create(request: HttpRequest) -> HttpResponse:
    form = PriceIndexForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.price_index_create(actor=request_user(request),
                                                data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The entry has been saved."))
            return redirect("catalog:manage_price_index_detail", pk=entry.pk)
    return _form_page(request, form, _("New price index entry"),
                      reverse("catalog:manage_price_index_list"))


@perm_required(Perm.VIEW_CATALOG_RECORDS)
def manage_price_index_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(PriceIndexEntry, pk=pk)
    return _record_page(
        request, entry, title=str(entry), can_manage=_can(request, Perm.MANAGE_CONTENT),
        edit_url=reverse("catalog:price_index_edit", args=[pk]),
        active_url=reverse("catalog:price_index_active", args=[pk]),
        list_url=reverse("catalog:manage_price_index_list"),
        list_title=_("Price index"),
    )


@perm_required(Perm.MANAGE_CONTENT)
def price_index_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(PriceIndexEntry, pk=pk)
    form = PriceIndexForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.price_index_update(actor=request_user(request), entry=entry,
                                        data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The entry has been saved."))
            return redirect("catalog:manage_price_index_detail", pk=pk)
    return _form_page(request, form, _("Edit price index entry"),
                      reverse("catalog:manage_price_index_detail", args=[pk]))


@perm_required(Perm.MANAGE_CONTENT)
@require_POST
def price_index_active(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(PriceIndexEntry, pk=pk)
    active = request.POST.get("active") == "1"
    services.price_index_set_active(actor=request_user(request), entry=entry, active=active)
    messages.success(request, _("The entry has been activated.") if active
                     else _("The entry has been deactivated."))
    return redirect("catalog:manage_price_index_detail", pk=pk)


# --- Administration: goods catalogue -------------------------------------------------------


class ManageCatalogueListView(_ManageList):
    table_class = ManageCatalogueTable
    filterset_class = ManageCatalogueFilter
    title = gettext_lazy("Goods catalogue (all items)")
    create_url = reverse_lazy("catalog:item_create")

    def get_queryset(self) -> QuerySet[CatalogueItem]:
        return CatalogueItem.objects.select_related("category")


@perm_required(Perm.MANAGE_CONTENT)
def item_create(request: HttpRequest) -> HttpResponse:
    form = CatalogueItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.catalogue_item_create(actor=request_user(request),
                                                  data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The item has been saved."))
            return redirect("catalog:manage_item_detail", pk=item.pk)
    return _form_page(request, form, _("New catalogue item"),
                      reverse("catalog:manage_item_list"))


@perm_required(Perm.VIEW_CATALOG_RECORDS)
def manage_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(CatalogueItem.objects.select_related("category"), pk=pk)
    return _record_page(
        request, item, title=item.name, can_manage=_can(request, Perm.MANAGE_CONTENT),
        edit_url=reverse("catalog:item_edit", args=[pk]),
        active_url=reverse("catalog:item_active", args=[pk]),
        list_url=reverse("catalog:manage_item_list"), list_title=_("Goods catalogue"),
    )


@perm_required(Perm.MANAGE_CONTENT)
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(CatalogueItem, pk=pk)
    form = CatalogueItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.catalogue_item_update(actor=request_user(request), item=item,
                                           data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The item has been saved."))
            return redirect("catalog:manage_item_detail", pk=pk)
    return _form_page(request, form, _("Edit catalogue item"),
                      reverse("catalog:manage_item_detail", args=[pk]))


@perm_required(Perm.MANAGE_CONTENT)
@require_POST
def item_active(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(CatalogueItem, pk=pk)
    active = request.POST.get("active") == "1"
    services.catalogue_item_set_active(actor=request_user(request), item=item, active=active)
    messages.success(request, _("The item has been activated.") if active
                     else _("The item has been deactivated."))
    return redirect("catalog:manage_item_detail", pk=pk)


# --- Administration: master data (generic over MASTER_KINDS) -------------------------------


class MasterListView(_ManageList):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.kind: MasterKind = master_kind(kwargs["kind"])
        self.manage_perm = self.kind.perm
        self.title = self.kind.title
        self.create_url = reverse("catalog:master_create", args=[self.kind.slug])
        self.filterset_class = master_filter_for(self.kind.model)
        return super().dispatch(request, *args, **kwargs)

    table_class = MasterTable

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"kind_slug": self.kind.slug}

    def get_queryset(self) -> QuerySet[MasterData]:
        return self.kind.model._default_manager.all()


def _require_manage(request: HttpRequest, kind: MasterKind) -> None:
    if not _can(request, kind.perm):
        raise PermissionDenied(kind.perm.value)


@perm_required(Perm.VIEW_CATALOG_RECORDS)
def master_create(request: HttpRequest, kind: str) -> HttpResponse:
    master = master_kind(kind)
    _require_manage(request, master)
    form = master_form_for(master.model)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.master_create(actor=request_user(request), model=master.model,
                                         data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The entry has been saved."))
            return redirect("catalog:master_detail", kind=kind, pk=obj.pk)
    return _form_page(request, form, _("New entry: %(kind)s") % {"kind": master.verbose_name},
                      reverse("catalog:master_list", args=[kind]))


@perm_required(Perm.VIEW_CATALOG_RECORDS)
def master_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    master = master_kind(kind)
    obj = get_object_or_404(master.model, pk=pk)
    return _record_page(
        request, obj, title=f"{obj.code} — {obj.label}", kind=master,
        can_manage=_can(request, master.perm),
        edit_url=reverse("catalog:master_edit", args=[kind, pk]),
        active_url=reverse("catalog:master_active", args=[kind, pk]),
        delete_url=reverse("catalog:master_delete", args=[kind, pk]),
        in_use=services.master_in_use(obj),
        list_url=reverse("catalog:master_list", args=[kind]), list_title=master.title,
    )


@perm_required(Perm.VIEW_CATALOG_RECORDS)
def master_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    master = master_kind(kind)
    _require_manage(request, master)
    obj = get_object_or_404(master.model, pk=pk)
    form = master_form_for(master.model)(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            services.master_update(actor=request_user(request), obj=obj,
                                   data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The entry has been saved."))
            return redirect("catalog:master_detail", kind=kind, pk=pk)
    return _form_page(request, form, _("Edit %(name)s") % {"name": obj.label},
                      reverse("catalog:master_detail", args=[kind, pk]))


@perm_required(Perm.VIEW_CATALOG_RECORDS)
@require_POST
def master_active(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    master = master_kind(kind)
    _require_manage(request, master)
    obj = get_object_or_404(master.model, pk=pk)
    active = request.POST.get("active") == "1"
    services.master_set_active(actor=request_user(request), obj=obj, active=active)
    messages.success(request, _("The entry has been activated.") if active
                     else _("The entry has been deactivated."))
    return redirect("catalog:master_detail", kind=kind, pk=pk)


@perm_required(Perm.VIEW_CATALOG_RECORDS)
@require_POST
def master_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    master = master_kind(kind)
    _require_manage(request, master)
    obj = get_object_or_404(master.model, pk=pk)
    try:
        services.master_delete(actor=request_user(request), obj=obj)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("catalog:master_detail", kind=kind, pk=pk)
    messages.success(request, _("The entry has been deleted."))
    return redirect("catalog:master_list", kind=kind)
