from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lpse.audit.models import AuditEvent
from lpse.core.tables import SearchFilterSet, WibColumn
from lpse.operations import security
from lpse.operations.models import Alert, MaintenanceWindow


class SecurityEventTable(tables.Table):
    seq = tables.Column(verbose_name="#", linkify=("audit:event_detail", {"seq": tables.A("seq")}))
    occurred_at = WibColumn(verbose_name=_("Time (WIB)"), fmt="%d-%m-%Y %H:%M:%S")
    action = tables.Column(verbose_name=_("Kind"))
    actor_label = tables.Column(verbose_name=_("User"))
    object_repr = tables.Column(verbose_name=_("Subject"))
    ip_address = tables.Column(verbose_name=_("IP address"))
    data = tables.TemplateColumn(
        '{% load operations %}{% for label, value in record.data|evidence_rows %}'
        '<span class="me-2"><span class="text-muted">{{ label }}:</span> '
        '{{ value|truncatechars:80 }}</span>{% endfor %}',
        verbose_name=_("Details"), orderable=False,
    )

    class Meta:
        model = AuditEvent
        fields = ["seq", "occurred_at", "action", "actor_label", "object_repr", "ip_address",
                  "data"]
        attrs = {"class": "table table-sm table-hover align-middle small"}
        order_by = "-seq"

    def render_action(self, value: str) -> str:
        return str(security.KINDS.get(value, value))


class SecurityEventFilter(SearchFilterSet):
    search_fields = ("actor_label", "object_repr", "object_id")
    kind = django_filters.ChoiceFilter(label=_("Kind"), field_name="action",
                                       choices=list(security.KINDS.items()),
                                       empty_label=_("All kinds"))
    ip = django_filters.CharFilter(label=_("IP address"), method="filter_ip")
    since = django_filters.DateFilter(label=_("From"), field_name="occurred_at",
                                      lookup_expr="date__gte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label=_("Until"), field_name="occurred_at",
                                      lookup_expr="date__lte",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEvent
        fields = ["q", "kind", "ip", "since", "until"]

    def filter_ip(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return queryset.filter(ip_address=value) if value else queryset


class AlertTable(tables.Table):
    opened_at = WibColumn(verbose_name=_("Opened (WIB)"))
    level = tables.TemplateColumn(
        '<span class="badge text-bg-{% if record.level == "critical" %}danger{% else %}warning'
        '{% endif %}">{{ record.get_level_display }}</span>', verbose_name=_("Level"))
    source = tables.Column(verbose_name=_("Source"))
    title = tables.Column(verbose_name=_("Alert"), accessor="display_title",
                          order_by=("title",))
    value = tables.Column(verbose_name=_("Measured"))
    threshold = tables.Column(verbose_name=_("Threshold"))
    last_seen_at = WibColumn(verbose_name=_("Last seen"))
    resolved_at = WibColumn(verbose_name=_("Resolved"))

    class Meta:
        model = Alert
        fields = ["opened_at", "level", "source", "title", "value", "threshold", "last_seen_at",
                  "resolved_at"]
        attrs = {"class": "table table-sm table-hover align-middle small"}
        order_by = "-opened_at"


class AlertFilter(SearchFilterSet):
    search_fields = ("title", "key", "detail")
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Alert.Source.choices,
                                         empty_label=_("All sources"))
    open = django_filters.BooleanFilter(label=_("Open only"), field_name="resolved_at",
                                        lookup_expr="isnull",
                                        widget=forms.CheckboxInput)

    class Meta:
        model = Alert
        fields = ["q", "source", "open"]


class MaintenanceTable(tables.Table):
    title = tables.Column(verbose_name=_("Title"),
                          linkify=("operations:maintenance_detail", {"pk": tables.A("pk")}))
    starts_at = WibColumn(verbose_name=_("Starts (WIB)"))
    ends_at = WibColumn(verbose_name=_("Ends (WIB)"))
    status = tables.Column(verbose_name=_("Status"))
    created_by = tables.Column(verbose_name=_("Scheduled by"))

    class Meta:
        model = MaintenanceWindow
        fields = ["title", "starts_at", "ends_at", "status", "created_by"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = "-starts_at"


class MaintenanceFilter(SearchFilterSet):
    search_fields = ("title", "message")
    status = django_filters.ChoiceFilter(label=_("Status"),
                                         choices=MaintenanceWindow.Status.choices,
                                         empty_label=_("All"))

    class Meta:
        model = MaintenanceWindow
        fields = ["q", "status"]
