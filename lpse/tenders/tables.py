from __future__ import annotations

from datetime import datetime

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lpse.catalog.models import ProcurementCategory
from lpse.core.tables import SearchFilterSet
from lpse.core.templatetags.lpse import rupiah, wib
from lpse.tenders.models import Committee, Package, ScheduleChangeRequest, Tender
from lpse.tenders.search import search_condition

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
TEMPLATE = "django_tables2/bootstrap5-responsive.html"
#: Row links open another page: not through the table's htmx boost (which swaps only the
#: table container).
LINK = {"a": {"hx-boost": "false"}}


class MoneyColumn(tables.Column):
    def render(self, value: object) -> str:
        return rupiah(value)  # type: ignore[arg-type]


class WibColumn(tables.Column):
    def render(self, value: object) -> str:
        return wib(value)  # type: ignore[arg-type]


class TenderTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"),
                         linkify=("tenders:workspace", {"pk": tables.A("pk")}), attrs=LINK)
    name = tables.Column(verbose_name=_("Name"))
    agency = tables.Column(accessor="agency__code", verbose_name=_("Agency"),
                           order_by=("agency__code",))
    owner_estimate = MoneyColumn(verbose_name=_("HPS"))
    stage = tables.Column(empty_values=(), orderable=False, verbose_name=_("Stage"))
    status = tables.Column(verbose_name=_("Status"))
    upload_ends_at = WibColumn(verbose_name=_("Upload deadline"))

    class Meta:
        model = Tender
        fields = ["code", "name", "agency", "owner_estimate", "stage", "status",
                  "upload_ends_at"]
        template_name = TEMPLATE
        attrs = TABLE_ATTRS

    def render_stage(self, record: Tender) -> str:
        stage = record.current_stage() if record.published_at else None
        return str(stage.label) if stage else "—"



class WorkspaceTenderTable(TenderTable):
    """A tender that is not running (draft, failed, cancelled, completed) shows its status
    instead of a stage, and an upload deadline only while it runs: a draft's or an ended
    tender's date would read as a deadline bidders still have."""

    def render_stage(self, record: Tender) -> str:
        if not record.is_running:
            return format_html('<span class="text-body-secondary">{}</span>',
                               record.get_status_display())
        return super().render_stage(record)

    def render_upload_ends_at(self, value: datetime, record: Tender) -> str:
        return wib(value) if record.is_running else "—"


class TenderFilter(SearchFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Tender.Status.choices)
    category = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("tenders", "Category"), queryset=ProcurementCategory.objects.all())

    class Meta:
        model = Tender
        fields = ["q", "status", "category"]

    def search(self, queryset: QuerySet[Tender], name: str, value: str) -> QuerySet[Tender]:
        return queryset.filter(search_condition(value)) if value.strip() else queryset


class PackageTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"),
                         linkify=("tenders:package_detail", {"pk": tables.A("pk")}),
                         attrs=LINK)
    name = tables.Column(verbose_name=_("Name"))
    agency = tables.Column(accessor="agency__code", verbose_name=_("Agency"),
                           order_by=("agency__code",))
    fiscal_year = tables.Column(verbose_name=_("Year"))
    owner_estimate = MoneyColumn(verbose_name=_("HPS"))
    committee = tables.Column(accessor="committee__name", verbose_name=_("Committee"),
                              default="—")
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Package
        fields = ["code", "name", "agency", "fiscal_year", "owner_estimate", "committee",
                  "status"]
        template_name = TEMPLATE
        attrs = TABLE_ATTRS


class PackageFilter(SearchFilterSet):
    search_fields = ("code", "name", "rup_code", "location")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Package.Status.choices)
    fiscal_year = django_filters.NumberFilter(label=_("Fiscal year"))

    class Meta:
        model = Package
        fields = ["q", "status", "fiscal_year"]


class CommitteeTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"),
                         linkify=("tenders:committee_detail", {"pk": tables.A("pk")}),
                         attrs=LINK)
    agency = tables.Column(accessor="agency__code", verbose_name=_("Agency"),
                           order_by=("agency__code",))
    kind = tables.Column(verbose_name=_("Kind"))
    members = tables.Column(empty_values=(), orderable=False, verbose_name=_("Members"))
    is_active = tables.BooleanColumn(verbose_name=_("Active"))

    class Meta:
        model = Committee
        fields = ["name", "agency", "kind", "members", "is_active"]
        template_name = TEMPLATE
        attrs = TABLE_ATTRS

    def render_members(self, record: Committee) -> str:
        return ", ".join(u.full_name for u in record.member_users())


class CommitteeFilter(SearchFilterSet):
    search_fields = ("name", "decree_number")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Committee.Kind.choices)

    class Meta:
        model = Committee
        fields = ["q", "kind"]


class ChangeRequestTable(tables.Table):
    tender = tables.Column(accessor="tender__code", verbose_name=_("Tender"),
                           order_by=("tender__code",))
    requested_at = WibColumn(verbose_name=_("Requested at"))
    requested_by = tables.Column(accessor="requested_by__full_name",
                                 verbose_name=_("Requested by"))
    reason = tables.Column(verbose_name=_("Reason"))
    status = tables.Column(verbose_name=_("Status"))
    link = tables.Column(empty_values=(), orderable=False, verbose_name="")

    class Meta:
        model = ScheduleChangeRequest
        fields = ["tender", "requested_at", "requested_by", "reason", "status", "link"]
        template_name = TEMPLATE
        attrs = TABLE_ATTRS

    def render_link(self, record: ScheduleChangeRequest) -> str:
        from django.urls import reverse

        return format_html('<a class="btn btn-sm btn-outline-primary" hx-boost="false" '
                           'href="{}">{}</a>',
                           reverse("tenders:change_detail", args=[record.pk]), _("Open"))


class ChangeRequestFilter(SearchFilterSet):
    search_fields = ("tender__code", "tender__name", "reason")
    status = django_filters.ChoiceFilter(label=_("Status"),
                                         choices=ScheduleChangeRequest.Status.choices)

    class Meta:
        model = ScheduleChangeRequest
        fields = ["q", "status"]
