from __future__ import annotations

from typing import Any

from django import template

from lpse.operations import monitoring
from lpse.operations.sop_report import format_duration

register = template.Library()


@register.filter
def minutes(value: float | None) -> str:
    """A duration in minutes, readable: 12.5 min, 3.2 h, 8.0 days."""
    return format_duration(value)


@register.filter
def amount(value: float | None, unit: str = "") -> str:
    """A measured value or threshold with its unit, in the active language: 23,7%, 200 tugas."""
    return monitoring.format_amount(value, unit) or "—"


@register.simple_tag
def thresholds(check: dict[str, Any]) -> str:
    """The warning / critical thresholds of a capacity line: 80 / 90%, 200 / 1.000 tugas."""
    return monitoring.format_thresholds(check.get("warning"), check.get("critical"),
                                        check.get("unit", "")) or "—"


@register.filter
def health_label(name: str) -> str:
    """The name of a /health/ component, translated: "worker" → "Pekerja tugas"."""
    return monitoring.health_label(name)


@register.filter
def evidence_rows(evidence: dict[str, Any] | None) -> list[tuple[str, str]]:
    """Checklist evidence or security-event data as (translated label, readable value)."""
    from lpse.operations.evidence import evidence_rows as rows

    return rows(evidence)


@register.filter
def evidence_value(value: Any) -> Any:
    """A value of a checklist item's evidence: moments (kept as ISO text) shown in WIB."""
    from lpse.core.templatetags.lpse import wib

    return wib(value) if isinstance(value, str) and value else value
