from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from lpse.accounts.models import Agency, User
from lpse.accounts.roles import Role
from lpse.core.tables import SearchFilterSet, WibColumn


class UserTable(tables.Table):
    username = tables.Column(linkify=("accounts:user_detail", {"pk": tables.A("pk")}),
                             verbose_name=_("User ID"))
    full_name = tables.Column(verbose_name=_("Full name"))
    agency = tables.Column(accessor="agency__code", verbose_name=_("Agency"),
                           order_by=("agency__code",))
    roles = tables.Column(empty_values=(), orderable=False, verbose_name=_("Roles"))
    is_active = tables.BooleanColumn(verbose_name=_("Active"))
    last_login = WibColumn(verbose_name=_("Last login"))

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "agency", "roles", "is_active", "last_login"]
        attrs = {"class": "table table-sm table-hover align-middle"}

    def render_roles(self, record: User) -> str:
        return format_html_join(
            " ", '<span class="badge text-bg-secondary">{}</span>',
            ((Role(a.role).label,) for a in record.role_assignments.all()),
        )


class UserFilter(SearchFilterSet):
    search_fields = ("username", "full_name", "email", "nip")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices,
                                       method="filter_role")
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def filter_role(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(role_assignments__role=value)


class AgencyTable(tables.Table):
    code = tables.Column(linkify=("accounts:agency_detail", {"pk": tables.A("pk")}))
    users = tables.Column(accessor="user_count", verbose_name=_("Users"))

    class Meta:
        model = Agency
        fields = ["code", "name", "kind", "users", "is_active"]
        attrs = {"class": "table table-sm table-hover align-middle"}


class AgencyFilter(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = Agency
        fields = ["q", "kind"]


