from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.utils.translation import gettext_lazy as _

from lpse.audit.models import AuditEvent
from lpse.core.tables import WibColumn


class AuditEventTable(tables.Table):
    seq = tables.Column(verbose_name="#", linkify=("audit:event_detail", {"seq": tables.A("seq")}))
    occurred_at = WibColumn(verbose_name=_("Time (WIB)"), fmt="%d-%m-%Y %H:%M:%S")
    actor_label = tables.Column(verbose_name=_("Actor"))
    action = tables.Column(verbose_name=_("Action"))
    object_repr = tables.Column(verbose_name=_("Object"))
    ip_address = tables.Column(verbose_name=_("IP address"))
    hash = tables.TemplateColumn(
        '<code title="{{ record.hash }}">{{ record.hash|slice:":12" }}…</code>',
        verbose_name=_("Hash"), orderable=False,
    )

    class Meta:
        model = AuditEvent
        fields = ["seq", "occurred_at", "actor_label", "action", "object_type", "object_id",
                  "object_repr", "ip_address", "hash"]
        attrs = {"class": "table table-sm table-hover align-middle small"}
        order_by = "-seq"


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(label=_("Actor (user ID)"), field_name="actor_label",
                                      lookup_expr="icontains")
    action = django_filters.CharFilter(label=_("Action"), field_name="action",
                                       lookup_expr="startswith")
    object_type = django_filters.CharFilter(label=_("Object type"), lookup_expr="iexact")
    object_id = django_filters.CharFilter(label=_("Object ID"), lookup_expr="exact")
    since = django_filters.DateFilter(
        label=_("From"), field_name="occurred_at", lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=_("Until"), field_name="occurred_at", lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "object_type", "object_id", "since", "until"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
