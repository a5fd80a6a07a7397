from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lpse.bids.models import UnopenableCase, UploadAttempt
from lpse.core.tables import SearchFilterSet
from lpse.core.templatetags.lpse import filesize, wib

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
TEMPLATE = "django_tables2/bootstrap5-responsive.html"


class CaseTable(tables.Table):
    # hx-boost off: the shared table container would otherwise swap only its own block.
    pk = tables.Column(verbose_name=pgettext_lazy("row number", "No"),
                       linkify=("bids:case_detail", {"pk": tables.A("pk")}),
                       attrs={"a": {"hx-boost": "false"}})
    tender = tables.Column(accessor="tender__code", verbose_name=_("Tender"),
                           order_by=("tender__code",))
    vendor = tables.Column(accessor="bid__participant__vendor__name", verbose_name=_("Bidder"),
                           order_by=("bid__participant__vendor__name",))
    filed_at = tables.Column(verbose_name=_("Filed at"))
    status = tables.Column(verbose_name=_("Status"))
    outcome = tables.Column(verbose_name=_("Outcome"))

    class Meta:
        model = UnopenableCase
        fields = ["pk", "tender", "vendor", "filed_at", "status", "outcome"]
        template_name = TEMPLATE
        attrs = TABLE_ATTRS

    def render_filed_at(self, value: object) -> str:
        return wib(value)  # type: ignore[arg-type]


class CaseFilter(SearchFilterSet):
    search_fields = ("tender__code", "tender__name", "bid__participant__vendor__name")
    status = django_filters.ChoiceFilter(label=_("Status"),
                                         choices=UnopenableCase.Status.choices)

    class Meta:
        model = UnopenableCase
        fields = ["q", "status"]


class AttemptTable(tables.Table):
    started_at = tables.Column(verbose_name=_("Time"))
    vendor = tables.Column(accessor="vendor__name", verbose_name=_("Vendor"),
                           order_by=("vendor__name",))
    tender = tables.Column(accessor="tender__code", verbose_name=_("Tender"),
                           order_by=("tender__code",))
    action = tables.Column(verbose_name=_("Action"))
    file_name = tables.Column(verbose_name=_("File"))
    segment_index = tables.Column(verbose_name=_("Segment"))
    bytes_expected = tables.Column(verbose_name=_("Size"))
    ok = tables.BooleanColumn(verbose_name=_("OK"))
    stage = tables.Column(verbose_name=_("Failed at"))
    message = tables.Column(verbose_name=_("Message"))
    client_ip = tables.Column(verbose_name=_("IP address"))
    user_agent = tables.Column(verbose_name=_("Browser"))

    class Meta:
        model = UploadAttempt
        fields = ["started_at", "vendor", "tender", "action", "file_name", "segment_index",
                  "bytes_expected", "ok", "stage", "message", "client_ip", "user_agent"]
        template_name = TEMPLATE
        attrs = TABLE_ATTRS

    def render_started_at(self, value: object) -> str:
        return wib(value, "%d-%m-%Y %H:%M:%S")  # type: ignore[arg-type]

    def render_bytes_expected(self, value: object) -> str:
        return filesize(value)  # type: ignore[arg-type]

    def render_user_agent(self, value: str) -> str:
        return value[:60]


class AttemptFilter(SearchFilterSet):
    search_fields = ("vendor__name", "tender__code", "file_name", "message", "user__username",
                     "client_ip")
    ok = django_filters.BooleanFilter(label=_("Succeeded"))
    stage = django_filters.ChoiceFilter(label=_("Failed at"),
                                        choices=UploadAttempt.Stage.choices[1:])

    class Meta:
        model = UploadAttempt
        fields = ["q", "ok", "stage"]
