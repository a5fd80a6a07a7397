"""Metrics for Prometheus, measured when scraped and written by the official client library
(prometheus_client): a collector yields gauges into a registry of its own (no global or
multiprocess state: every app server answers for itself), and the exposition format —
the classic text format, or OpenMetrics when the scraper asks for it — is the library's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import CollectorRegistry, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder

from lpse.operations import hooks, monitoring, security, selectors


class _Gauges:
    """Gauge families by name, filled in as the measurements come."""

    def __init__(self) -> None:
        self.families: dict[str, GaugeMetricFamily] = {}

    def gauge(self, name: str, help_text: str, value: float | None,
              labels: dict[str, str] | None = None) -> None:
        if value is None:
            return
        family = self.families.get(name)
        if family is None:
            family = self.families[name] = GaugeMetricFamily(
                name, help_text, labels=list(labels or {}))
        family.add_metric(list((labels or {}).values()), float(value))


class LpseCollector:
    """Everything the operations dashboard measures, as gauges."""

    def collect(self) -> Iterator[Metric]:
        from lpse.operations.models import Alert
        from lpse.operations.services import maintenance_active

        now = timezone.now()
        out = _Gauges()
        state = monitoring.health(now)
        for component, check in state["checks"].items():
            out.gauge("lpse_up", "Component is healthy (1) or not (0).",
                      1 if check["ok"] else 0, {"component": component})
        out.gauge("lpse_clock_offset_seconds",
                  "This server's clock minus the database server's, in seconds.",
                  state["checks"]["clock"].get("offset"))
        for check in monitoring.disk_checks():
            location = check.key.split(".", 1)[1]
            out.gauge("lpse_disk_used_percent", "Disk use of a storage location in percent.",
                      check.value, {"location": location})
            out.gauge("lpse_disk_free_bytes", "Free bytes on a storage location.",
                      check.detail["free"], {"location": location})
        out.gauge("lpse_memory_used_percent", "Memory (RAM) use in percent.",
                  monitoring.memory_check().value)
        out.gauge("lpse_database_size_bytes", "Size of the database.",
                  monitoring.database_size())
        out.gauge("lpse_users", "Rows of the user table.", monitoring.user_count())
        out.gauge("lpse_stored_files_bytes", "Bytes of stored files.",
                  monitoring.stored_files_bytes())
        queue = monitoring.queue_state(now)
        out.gauge("lpse_task_queue_depth", "Tasks waiting in the queue.", queue["depth"])
        out.gauge("lpse_task_queue_oldest_minutes", "Age of the oldest waiting task.",
                  queue["oldest_age_minutes"])
        out.gauge("lpse_tasks_failed_last_day", "Tasks that failed in the last day.",
                  queue["failed_last_day"])
        watch = monitoring.database_watch()
        out.gauge("lpse_db_hanging_transactions", "Transactions idle or running too long.",
                  len(watch.get("hanging", [])))
        out.gauge("lpse_db_lock_waits", "Sessions waiting for a lock.",
                  len(watch.get("lock_waits", [])))
        if watch.get("connections"):
            out.gauge("lpse_db_connections", "Client connections to the database.",
                      watch["connections"]["total"])
        open_alerts = dict(Alert.objects.filter(resolved_at__isnull=True).values_list("level")
                           .annotate(n=Count("id")).values_list("level", "n"))
        for level in (hooks.WARNING, hooks.CRITICAL):
            out.gauge("lpse_alerts_open", "Open alerts by level.", open_alerts.get(level, 0),
                      {"level": level})
        for kind, count in security.counts_since(now - timedelta(hours=1)).items():
            out.gauge("lpse_security_events_last_hour", "Security events in the last hour.",
                      count, {"kind": kind})
        day = selectors.availability(now - timedelta(days=1))
        if day["percent"] is not None:
            out.gauge("lpse_availability_ratio_last_day", "Share of successful self-probes.",
                      day["percent"] / 100)
        out.gauge("lpse_maintenance_active", "Maintenance mode is on (1) or off (0).",
                  1 if maintenance_active() else 0)
        for check in monitoring.provided_checks(now):
            if check.key == hooks.LAST_VERIFIED_BACKUP and check.value is not None:
                out.gauge("lpse_last_verified_backup_age_hours",
                          "Hours since the last verified backup.", check.value)
        yield from out.families.values()


def render(accept: str = "") -> tuple[bytes, str]:
    """The exposition for a scrape with this Accept header: (body, content type)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(LpseCollector())
    encoder, content_type = choose_encoder(accept)
    return encoder(registry), content_type
