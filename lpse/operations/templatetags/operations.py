from __future__ import annotations

from django import template

from lpse.operations.sop_report import format_duration

register = template.Library()


@register.filter
def minutes(value: float | None) -> str:
    """A duration in minutes, readable: 12.5 min, 3.2 h, 8.0 days."""
    return format_duration(value)
