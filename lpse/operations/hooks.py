"""What other apps plug into operations. Each hook is a plain registry filled at import time.

- `register_metric_provider(name, fn)`: an extra line of the capacity check (e.g. the backups
  app reports "last verified backup"). `fn()` returns a `MetricReading`.
- `register_deadline_provider(fn)`: `fn(start, end)` lists the upload deadlines falling in a
  window; a maintenance window overlapping one needs an administrator's confirmation.
- `register_participants_provider(fn)`: `fn(start, end)` lists the people taking part in
  tenders whose stages overlap a window; they are e-mailed the maintenance notice.
- `register_sop_source(procedure_code, step_code, fn)`: `fn(period)` lists the cases of one
  step of a regulation procedure with their start and end times, for the SOP report.

See docs/apps/operations.md for examples. Registration happens in the other app's
`AppConfig.ready()` (or any module it imports there), never lazily in a view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# --- Capacity metrics -----------------------------------------------------------------------

OK, WARNING, CRITICAL, UNKNOWN = "ok", "warning", "critical", "unknown"


@dataclass(frozen=True)
class MetricReading:
    """One reading of a contributed metric.

    `value` is a number when there is one (for charts and Prometheus), `text` what people
    read, `level` one of "ok", "warning", "critical", "unknown", `at` when the measured
    thing happened (e.g. the time of the last verified backup).
    """

    text: str
    value: float | None = None
    level: str = OK
    at: datetime | None = None
    detail: dict[str, Any] = field(default_factory=dict)


MetricProvider = Callable[[], MetricReading]
_metric_providers: dict[str, tuple[str, MetricProvider]] = {}

#: The metric the backups app is expected to provide (shown as "not recorded" until then).
LAST_VERIFIED_BACKUP = "last_verified_backup"


def register_metric_provider(name: str, fn: MetricProvider, label: str = "") -> MetricProvider:
    _metric_providers[name] = (label or name, fn)
    return fn


def unregister_metric_provider(name: str) -> None:
    _metric_providers.pop(name, None)


def metric_providers() -> dict[str, tuple[str, MetricProvider]]:
    return dict(_metric_providers)


# --- Deadlines and participants affected by a maintenance window ----------------------------


@dataclass(frozen=True)
class Deadline:
    """An upload deadline (e.g. the end of a tender's bid submission stage)."""

    label: str
    at: datetime
    url: str = ""


@dataclass(frozen=True)
class AffectedParticipant:
    """Someone to e-mail about a maintenance window (a vendor or official of a tender)."""

    email: str
    name: str = ""
    language: str = "id"
    tender: str = ""


DeadlineProvider = Callable[[datetime, datetime], list[Deadline]]
ParticipantsProvider = Callable[[datetime, datetime], list[AffectedParticipant]]
_deadline_providers: list[DeadlineProvider] = []
_participants_providers: list[ParticipantsProvider] = []


def register_deadline_provider(fn: DeadlineProvider) -> DeadlineProvider:
    if fn not in _deadline_providers:
        _deadline_providers.append(fn)
    return fn


def unregister_deadline_provider(fn: DeadlineProvider) -> None:
    if fn in _deadline_providers:
        _deadline_providers.remove(fn)


def deadlines_between(start: datetime, end: datetime) -> list[Deadline]:
    found: list[Deadline] = []
    for provider in _deadline_providers:
        found.extend(d for d in provider(start, end) if start <= d.at <= end)
    return sorted(found, key=lambda d: d.at)


def register_participants_provider(fn: ParticipantsProvider) -> ParticipantsProvider:
    if fn not in _participants_providers:
        _participants_providers.append(fn)
    return fn


def unregister_participants_provider(fn: ParticipantsProvider) -> None:
    if fn in _participants_providers:
        _participants_providers.remove(fn)


def participants_between(start: datetime, end: datetime) -> list[AffectedParticipant]:
    """Everyone affected, once per e-mail address (the first tender named is kept)."""
    seen: dict[str, AffectedParticipant] = {}
    for provider in _participants_providers:
        for person in provider(start, end):
            key = person.email.strip().lower()
            if key and key not in seen:
                seen[key] = person
    return list(seen.values())


# --- SOP step timings -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A reporting period: [start, end) as aware datetimes."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class StepCase:
    """One case of one procedure step: when the step started and when its output existed.

    `reference` names the case for people (a ticket number, a vendor's name); `url` links to
    it; `actor` is who performed the step. `perm` is the permission (a `Perm` value) a
    viewer of the report needs to open `url`: a viewer without it sees the reference without
    the link. Link a page every report reader can open (the report is read by the head of
    the unit, the system administrator and the LKPP auditor), not an officer's work desk.
    """

    reference: str
    started_at: datetime
    finished_at: datetime
    actor: str = ""
    url: str = ""
    perm: str = ""


SopSource = Callable[[Period], list[StepCase]]
_sop_sources: dict[tuple[str, str], SopSource] = {}


def register_sop_source(procedure_code: str, step_code: str, fn: SopSource) -> SopSource:
    """Register who measures one step of the SOP catalogue (lpse.operations.sop_catalogue).

    Raises KeyError for a procedure or step the catalogue does not know, so a typo fails at
    start-up rather than leaving a step silently "not recorded".
    """
    from lpse.operations.sop_catalogue import step_by_code

    step_by_code(procedure_code, step_code)
    _sop_sources[(procedure_code, step_code)] = fn
    return fn


def unregister_sop_source(procedure_code: str, step_code: str) -> None:
    _sop_sources.pop((procedure_code, step_code), None)


def sop_source(procedure_code: str, step_code: str) -> SopSource | None:
    return _sop_sources.get((procedure_code, step_code))
