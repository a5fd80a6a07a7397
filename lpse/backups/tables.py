from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from lpse.backups.models import BackupRun, DrillRun
from lpse.core.tables import SearchFilterSet, WibColumn

STATUS_BADGE = (
    '<span class="badge text-bg-{% if record.status == "verified" or record.status == "passed" %}'
    'success{% elif record.status == "running" %}info{% elif record.status == "partial" or '
    'record.status == "needs_key" %}warning{% else %}danger{% endif %}">'
    "{{ record.get_status_display }}</span>"
)


class BackupRunTable(tables.Table):
    started_at = WibColumn(
        verbose_name=_("Started (WIB)"),
        linkify=("backups:run_detail", {"pk": tables.A("pk")}),
    )
    trigger = tables.Column(verbose_name=_("Started by"))
    status = tables.TemplateColumn(STATUS_BADGE, verbose_name=_("Result"))
    archive_name = tables.Column(verbose_name=_("Archive"))
    archive_size = tables.TemplateColumn("{% load lpse %}{{ record.archive_size|filesize }}",
                                         verbose_name=_("Size"))
    file_count = tables.Column(verbose_name=_("Files"))
    finished_at = WibColumn(verbose_name=_("Finished (WIB)"))

    class Meta:
        model = BackupRun
        fields = ["started_at", "trigger", "status", "archive_name", "archive_size",
                  "file_count", "finished_at"]
        template_name = "django_tables2/bootstrap5-responsive.html"
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = "-started_at"

    def render_trigger(self, value: str, record: BackupRun) -> str:
        """The person who started a run by hand, by name; otherwise how it started."""
        if record.started_by is not None:
            return record.started_by.full_name or record.started_by.username
        return str(record.get_trigger_display())


class BackupRunFilter(SearchFilterSet):
    search_fields = ("archive_name", "error")
    status = django_filters.ChoiceFilter(label=_("Result"), choices=BackupRun.Status.choices)

    class Meta:
        model = BackupRun
        fields = ["q", "status"]


class DrillRunTable(tables.Table):
    started_at = WibColumn(
        verbose_name=_("Started (WIB)"),
        linkify=("backups:drill_detail", {"pk": tables.A("pk")}),
    )
    archive_name = tables.Column(verbose_name=_("Archive"))
    trigger = tables.Column(verbose_name=_("Started by"))
    status = tables.TemplateColumn(STATUS_BADGE, verbose_name=_("Result"))
    finished_at = WibColumn(verbose_name=_("Finished (WIB)"))

    class Meta:
        model = DrillRun
        fields = ["started_at", "archive_name", "trigger", "status", "finished_at"]
        template_name = "django_tables2/bootstrap5-responsive.html"
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = "-started_at"


class DrillRunFilter(SearchFilterSet):
    search_fields = ("archive_name", "summary")
    status = django_filters.ChoiceFilter(label=_("Result"), choices=DrillRun.Status.choices)

    class Meta:
        model = DrillRun
        fields = ["q", "status"]
