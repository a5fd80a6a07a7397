from __future__ import annotations

from collections.abc import Sequence

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lpse.core.tables import SearchFilterSet, WibColumn
from lpse.core.templatetags.lpse import wib
from lpse.helpdesk.models import Article, CannedResponse, Ticket
from lpse.helpdesk.selectors import handlers

_ATTRS = {"class": "table table-sm table-hover align-middle"}
_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
# Row links open the page itself: the table container is hx-boosted for sorting and paging.
_LINK = {"a": {"hx-boost": "false"}}


#: Rank of each priority, most pressing first.
PRIORITY_RANK = [Ticket.Priority.URGENT, Ticket.Priority.HIGH, Ticket.Priority.NORMAL,
                 Ticket.Priority.LOW]
#: Statuses in the order of the workflow.
STATUS_ORDER = [Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.WAITING,
                Ticket.Status.LKPP, Ticket.Status.RESOLVED, Ticket.Status.CLOSED,
                Ticket.Status.MERGED]


def _rank(field: str, order: Sequence[str]) -> Case:
    return Case(*(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(order)),
                default=Value(len(order)), output_field=IntegerField())


def _order_by_rank(queryset: QuerySet[Ticket], field: str, order: Sequence[str],
                   descending: bool) -> tuple[QuerySet[Ticket], bool]:
    alias = f"{field}_rank"
    queryset = queryset.annotate(**{alias: _rank(field, order)}).order_by(
        f"-{alias}" if descending else alias, "-received_at")
    return queryset, True


class TicketTable(tables.Table):
    number = tables.Column(linkify=("helpdesk:desk_ticket", {"pk": tables.A("pk")}),
                           attrs=_LINK,
                           verbose_name=_("Number"))
    received_at = tables.Column(verbose_name=_("Received"))
    requester_name = tables.Column(verbose_name=_("Requester"))
    assignee = tables.Column(accessor="assignee__full_name", verbose_name=_("Assigned to"),
                             order_by=("assignee__full_name",))
    due = tables.Column(empty_values=(), orderable=False, verbose_name=_("Service level"))

    class Meta:
        model = Ticket
        fields = ["number", "received_at", "channel", "category", "requester_name", "subject",
                  "priority", "status", "assignee", "due"]
        template_name = _TEMPLATE
        attrs = _ATTRS

    def render_received_at(self, value: object) -> str:
        return wib(value)  # type: ignore[arg-type]

    def order_priority(self, queryset: QuerySet[Ticket], is_descending: bool
                       ) -> tuple[QuerySet[Ticket], bool]:
        """By rank (urgent first), not by the alphabet of the internal codes."""
        return _order_by_rank(queryset, "priority", PRIORITY_RANK, is_descending)

    def order_status(self, queryset: QuerySet[Ticket], is_descending: bool
                     ) -> tuple[QuerySet[Ticket], bool]:
        """In the order of the workflow (new, in progress, waiting, LKPP, resolved…)."""
        return _order_by_rank(queryset, "status", STATUS_ORDER, is_descending)

    def render_due(self, record: Ticket) -> SafeString:
        if record.is_breached:
            return format_html('<span class="badge text-bg-danger">{}</span>', _("late"))
        if record.is_paused:
            return format_html('<span class="badge text-bg-secondary">{}</span>', _("paused"))
        due = record.first_response_due if record.first_responded_at is None else \
            record.resolution_due
        if due is None:
            return format_html("{}", "—")
        return format_html('<span class="small">{}</span>', wib(due))


class TicketFilter(SearchFilterSet):
    search_fields = ("number", "subject", "requester_name", "requester_email",
                     "requester_organisation", "tender_code")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Ticket.Status.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Ticket.Channel.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Ticket.Category.choices)
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Ticket.Priority.choices)
    assignee = django_filters.ModelChoiceFilter(label=_("Assigned to"),
                                                queryset=lambda request: handlers())
    late = django_filters.BooleanFilter(
        label=_("Late"), method="filter_late",
        widget=forms.Select(choices=[("", _("Any")), ("true", pgettext_lazy("boolean", "Yes")),
                                      ("false", pgettext_lazy("boolean", "No"))]))

    class Meta:
        model = Ticket
        fields = ["q", "status", "channel", "category", "priority", "assignee", "late"]

    def filter_late(self, queryset: QuerySet[Ticket], name: str, value: bool | None
                    ) -> QuerySet[Ticket]:
        if value is None:
            return queryset
        late = Q(first_response_breached=True) | Q(update_breached=True) | \
            Q(resolution_breached=True)
        return queryset.filter(late) if value else queryset.exclude(late)


class MyTicketTable(tables.Table):
    number = tables.Column(linkify=("helpdesk:my_ticket", {"pk": tables.A("pk")}),
                           attrs=_LINK,
                           verbose_name=_("Number"))
    received_at = tables.Column(verbose_name=_("Received"))

    class Meta:
        model = Ticket
        fields = ["number", "received_at", "category", "subject", "status"]
        template_name = _TEMPLATE
        attrs = _ATTRS

    def render_received_at(self, value: object) -> str:
        return wib(value)  # type: ignore[arg-type]

    def order_status(self, queryset: QuerySet[Ticket], is_descending: bool
                     ) -> tuple[QuerySet[Ticket], bool]:
        return _order_by_rank(queryset, "status", STATUS_ORDER, is_descending)


class MyTicketFilter(SearchFilterSet):
    search_fields = ("number", "subject")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Ticket.Status.choices)

    class Meta:
        model = Ticket
        fields = ["q", "status"]


class CannedResponseTable(tables.Table):
    title = tables.Column(linkify=("helpdesk:canned_edit", {"pk": tables.A("pk")}), attrs=_LINK)
    updated_at = WibColumn()

    class Meta:
        model = CannedResponse
        fields = ["title", "category", "is_active", "updated_at"]
        template_name = _TEMPLATE
        attrs = _ATTRS


class CannedResponseFilter(SearchFilterSet):
    search_fields = ("title", "body")

    class Meta:
        model = CannedResponse
        fields = ["q", "category", "is_active"]


class ArticleTable(tables.Table):
    title = tables.Column(linkify=("helpdesk:article_edit", {"pk": tables.A("pk")}), attrs=_LINK)
    updated_at = WibColumn()

    class Meta:
        model = Article
        fields = ["title", "category", "is_published", "views", "updated_at"]
        template_name = _TEMPLATE
        attrs = _ATTRS


class ArticleFilter(SearchFilterSet):
    search_fields = ("title", "keywords", "body")

    class Meta:
        model = Article
        fields = ["q", "category", "is_published"]
