from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from lpse.core.tables import SearchFilterSet
from lpse.core.templatetags.lpse import wib
from lpse.training.models import Room, TrainingRequest, TrainingSession

_ATTRS = {"class": "table table-sm table-hover align-middle"}
_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
# Row links open the page itself: the table container is hx-boosted for sorting and paging.
_LINK = {"a": {"hx-boost": "false"}}


class TrainingRequestTable(tables.Table):
    number = tables.Column(linkify=("training:request_detail", {"pk": tables.A("pk")}),
                           attrs=_LINK,
                           verbose_name=_("Number"))
    agency = tables.Column(accessor="agency__code", verbose_name=_("Agency"),
                           order_by=("agency__code",))
    created_at = tables.Column(verbose_name=_("Received"))

    class Meta:
        model = TrainingRequest
        fields = ["number", "created_at", "agency", "topic", "participants", "audience",
                  "status"]
        template_name = _TEMPLATE
        attrs = _ATTRS

    def render_created_at(self, value: object) -> str:
        return wib(value)  # type: ignore[arg-type]


class TrainingRequestFilter(SearchFilterSet):
    search_fields = ("number", "topic", "letter_number", "agency__name", "agency__code")
    status = django_filters.ChoiceFilter(label=_("Status"),
                                         choices=TrainingRequest.Status.choices)

    class Meta:
        model = TrainingRequest
        fields = ["q", "status"]


class TrainingSessionTable(tables.Table):
    title = tables.Column(linkify=("training:session_detail", {"pk": tables.A("pk")}),
                           attrs=_LINK,
                          verbose_name=_("Title"))
    starts_at = tables.Column(verbose_name=_("Starts"))
    room = tables.Column(accessor="room__name", verbose_name=_("Room"),
                         order_by=("room__name",))
    trainer = tables.Column(accessor="trainer__full_name", verbose_name=_("Trainer"),
                            order_by=("trainer__full_name",))

    class Meta:
        model = TrainingSession
        fields = ["title", "starts_at", "audience", "room", "capacity", "trainer", "status"]
        template_name = _TEMPLATE
        attrs = _ATTRS

    def render_starts_at(self, value: object) -> str:
        return wib(value)  # type: ignore[arg-type]


class TrainingSessionFilter(SearchFilterSet):
    search_fields = ("title", "room__name", "trainer__full_name")
    status = django_filters.ChoiceFilter(label=_("Status"),
                                         choices=TrainingSession.Status.choices)

    class Meta:
        model = TrainingSession
        fields = ["q", "audience", "status"]


class RoomTable(tables.Table):
    name = tables.Column(linkify=("training:room_edit", {"pk": tables.A("pk")}), attrs=_LINK)

    class Meta:
        model = Room
        fields = ["name", "capacity", "location", "is_active"]
        template_name = _TEMPLATE
        attrs = _ATTRS


class RoomFilter(SearchFilterSet):
    search_fields = ("name", "location")

    class Meta:
        model = Room
        fields = ["q"]
