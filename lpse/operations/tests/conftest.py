from __future__ import annotations

from collections.abc import Iterator

import pytest

from lpse.operations import hooks


@pytest.fixture(autouse=True)
def _clean_hooks() -> Iterator[None]:
    """Providers a test registers never leak into the next test."""
    metrics = dict(hooks._metric_providers)
    deadlines = list(hooks._deadline_providers)
    participants = list(hooks._participants_providers)
    sources = dict(hooks._sop_sources)
    yield
    hooks._metric_providers.clear()
    hooks._metric_providers.update(metrics)
    hooks._deadline_providers[:] = deadlines
    hooks._participants_providers[:] = participants
    hooks._sop_sources.clear()
    hooks._sop_sources.update(sources)


def db_tasks_backend(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default", "mail"]}}
