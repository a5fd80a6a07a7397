from __future__ import annotations

from typing import Any

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lpse.core.tables import SearchFilterSet
from lpse.core.templatetags.lpse import wib
from lpse.vendors.models import BlacklistEntry, EmailChangeRequest, Vendor
from lpse.vendors.selectors import working_days_left
from lpse.vendors.validators import mask_nik

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


STATUS_BADGES = {
    Vendor.Status.PENDING: "warning",
    Vendor.Status.ACTIVE: "success",
    Vendor.Status.NEEDS_REVERIFICATION: "info",
    Vendor.Status.DEACTIVATED: "secondary",
    Vendor.Status.REJECTED: "danger",
    Vendor.Status.EXPIRED: "dark",
}


def status_badge(vendor: Vendor) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>',
                       STATUS_BADGES.get(Vendor.Status(vendor.status), "secondary"),
                       vendor.get_status_display())


def _wib(value: Any) -> str:
    return wib(value)


class VendorTable(tables.Table):
    registration_number = tables.Column(
        verbose_name=_("Registration number"),
        linkify=("vendors:vendor_detail", {"pk": tables.A("pk")}),
    )
    name = tables.Column(verbose_name=_("Company name"))
    user_id = tables.Column(accessor="account__username", verbose_name=_("User ID"),
                            order_by=("account__username",))
    npwp = tables.Column(verbose_name=_("NPWP"))
    status = tables.Column(verbose_name=_("Status"))
    created_at = tables.Column(verbose_name=_("Registered"))

    class Meta:
        model = Vendor
        fields = ["registration_number", "name", "user_id", "npwp", "status", "created_at"]
        attrs = TABLE_ATTRS

    def render_name(self, record: Vendor) -> str:
        return str(record)

    def render_npwp(self, record: Vendor) -> str:
        return record.npwp_display

    def render_status(self, record: Vendor) -> str:
        return status_badge(record)

    def render_created_at(self, value: Any) -> str:
        return _wib(value)


class QueueTable(VendorTable):
    deadline = tables.Column(accessor="verification_deadline", verbose_name=_("Deadline"))
    days_left = tables.Column(empty_values=(), orderable=False,
                              verbose_name=_("Working days left"))

    class Meta(VendorTable.Meta):
        fields = ["registration_number", "name", "user_id", "npwp", "status", "created_at",
                  "deadline", "days_left"]

    def render_deadline(self, value: Any) -> str:
        return _wib(value)

    def render_days_left(self, record: Vendor) -> str:
        left = working_days_left(record)
        if left is None:
            return "—"
        css = "danger" if left <= 1 else "warning" if left <= 3 else "light"
        return format_html('<span class="badge text-bg-{}">{}</span>', css, left)


class VendorFilter(SearchFilterSet):
    search_fields = ("registration_number", "account__username", "registered_user_id", "npwp",
                     "name", "email")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Vendor.Status.choices)
    business_form = django_filters.ChoiceFilter(label=_("Form of business"),
                                                choices=Vendor.BusinessForm.choices)

    class Meta:
        model = Vendor
        fields = ["q", "status", "business_form"]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        from lpse.vendors.validators import digits_only

        digits = digits_only(value.strip())
        found = super().search(queryset, name, value)
        if digits.isdigit() and len(digits) >= 6:
            found = found | queryset.filter(npwp__contains=digits)
        return found


class QueueFilter(VendorFilter):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(Vendor.Status.PENDING, Vendor.Status.PENDING.label),
                 (Vendor.Status.NEEDS_REVERIFICATION, Vendor.Status.NEEDS_REVERIFICATION.label)],
    )

    class Meta(VendorFilter.Meta):
        fields = ["q", "status"]


class EmailChangeTable(tables.Table):
    id = tables.Column(verbose_name=_("No."),
                       linkify=("vendors:email_change_detail", {"pk": tables.A("pk")}))
    vendor = tables.Column(accessor="vendor__name", verbose_name=_("Vendor"),
                           order_by=("vendor__name",))
    old_email = tables.Column(verbose_name=_("Current e-mail"))
    new_email = tables.Column(verbose_name=_("New e-mail"))
    status = tables.Column(verbose_name=_("Status"))
    filed_at = tables.Column(verbose_name=_("Filed"))

    class Meta:
        model = EmailChangeRequest
        fields = ["id", "vendor", "old_email", "new_email", "status", "filed_at"]
        attrs = TABLE_ATTRS

    def render_filed_at(self, value: Any) -> str:
        return _wib(value)


class EmailChangeFilter(SearchFilterSet):
    search_fields = ("vendor__name", "vendor__registration_number", "old_email", "new_email")
    status = django_filters.ChoiceFilter(label=_("Status"),
                                         choices=EmailChangeRequest.Status.choices)

    class Meta:
        model = EmailChangeRequest
        fields = ["q", "status"]


class BlacklistTable(tables.Table):
    company_name = tables.Column(verbose_name=_("Company name"))
    npwp = tables.Column(verbose_name=_("NPWP"))
    nik = tables.Column(verbose_name=_("NIK"))
    source_reference = tables.Column(verbose_name=_("Source reference"))
    starts_on = tables.DateColumn(verbose_name=_("In force from"), format="d-m-Y")
    ends_on = tables.DateColumn(verbose_name=_("In force until"), format="d-m-Y")
    state = tables.Column(empty_values=(), orderable=False, verbose_name=_("State"))
    actions = tables.Column(empty_values=(), orderable=False, verbose_name="")

    class Meta:
        model = BlacklistEntry
        fields = ["company_name", "npwp", "nik", "source_reference", "starts_on", "ends_on",
                  "state", "actions"]
        attrs = TABLE_ATTRS

    def __init__(self, *args: Any, show_nik: bool = False, can_manage: bool = False,
                 today: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.show_nik = show_nik
        self.can_manage = can_manage
        self.today = today

    def render_actions(self, record: BlacklistEntry) -> str:
        # Built here rather than with a TemplateColumn: a template per row would run the
        # context processors once per row.
        if record.revoked_at is not None or not self.can_manage:
            return ""
        return format_html(
            '<a class="btn btn-sm btn-outline-primary" href="{}">{}</a> '
            '<a class="btn btn-sm btn-outline-danger" href="{}">{}</a>',
            reverse("vendors:blacklist_edit", args=[record.pk]), _("Edit"),
            reverse("vendors:blacklist_revoke", args=[record.pk]), _("Revoke"),
        )

    def render_npwp(self, value: str) -> str:
        from lpse.vendors.validators import format_npwp

        return format_npwp(value)

    def render_nik(self, value: str) -> str:
        return value if self.show_nik else mask_nik(value)

    def render_state(self, record: BlacklistEntry) -> str:
        if record.revoked_at is not None:
            return format_html('<span class="badge text-bg-secondary">{}</span>', _("revoked"))
        if record.is_in_force(self.today):
            return format_html('<span class="badge text-bg-danger">{}</span>', _("in force"))
        return format_html('<span class="badge text-bg-light">{}</span>', _("not in force"))


class BlacklistFilter(SearchFilterSet):
    search_fields = ("company_name", "npwp", "source_reference")

    class Meta:
        model = BlacklistEntry
        fields = ["q"]
