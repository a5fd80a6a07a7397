"""Shared pieces for searchable, sortable, paginated tables (django-tables2 + django-filter)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from lpse.core.templatetags.lpse import wib


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with a free-text `q` over `search_fields`."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(label=_("Search"), method="search")

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)
        if "q" in self.form.fields:
            self.form.fields["q"].widget.input_type = "search"
            self.form.fields["q"].widget.attrs.setdefault("placeholder", _("Search…"))


class WibColumn(tables.Column):
    """A moment in Western Indonesia Time, formatted like the `wib` filter everywhere else:
    27-11-2026 03:27 WIB (`fmt` for another strftime format, e.g. with seconds)."""

    def __init__(self, *args: Any, fmt: str = "%d-%m-%Y %H:%M", **kwargs: Any) -> None:
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)
        self.fmt = fmt

    def render(self, value: Any) -> str:
        return wib(value, self.fmt)


class FilteredTableView(SingleTableMixin, FilterView):  # type: ignore[misc]
    """List page: filter form + table; an htmx request gets only the table block."""

    paginate_by = 25
    template_name = "core/list.html"
    #: What an htmx request (search as you type, sort, page) gets: just the table block.
    partial_template_name = "includes/table.html"
    title = ""

    def get_template_names(self) -> list[str]:
        request: HttpRequest = self.request
        htmx = getattr(request, "htmx", None)
        if htmx and not htmx.boosted:
            return [self.partial_template_name]
        names: list[str] = super().get_template_names()
        return names

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.setdefault("title", self.title)
        return context
