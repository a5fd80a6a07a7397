"""The whole public API, fuzzed in-process against its own OpenAPI schema (schemathesis):
no server error, and every response matches the schema (status, content type, headers,
body). Not checked: "schema-valid data is accepted" — several parameters are validated more
strictly than their schema says (e.g. a fiscal year within 1990–2100), which answers a
documented 400."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.catalog.tests import factories as catalog
from lpse.opendata.services import releases_backfill
from lpse.opendata.tests import scenario

#: Examples per operation: a few in the suite, many under `make fuzz`.
MAX_EXAMPLES = int(os.environ.get("LPSE_FUZZ_EXAMPLES", "6"))


@pytest.fixture
def public_api(db, clock):
    """Some of everything the public API shows, and the schema served by the app."""
    from django.core.wsgi import get_wsgi_application

    s = scenario.published()
    scenario.opened(s, clock)
    scenario.announced(s, clock)
    scenario.published()
    releases_backfill()
    admin = make_user(Role.APPADMIN)
    catalog.news(admin)
    catalog.price_entry(admin)
    catalog.item(admin)
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # As Django's test client does: keep the test's connection (and its transaction) open
    # across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_public_api_matches_its_schema(public_api):
    """Each public operation in turn (schemathesis' pytest plugin does not run under
    pytest 9 here, so the operations are walked directly); failures are collected so one
    run reports every operation that does not match."""
    failures: dict[str, str] = {}
    # The public part: anonymous GET operations (drf-spectacular lists `{}` in security).
    operations = [op for op in (result.ok() for result in public_api.get_all_operations())
                  if op.method.upper() == "GET" and {} in (op.definition.raw.get("security")
                                                           or [])]
    assert len(operations) >= 30, "the public API is all there"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case: schemathesis.Case) -> None:
            cache.clear()  # no throttling between generated calls
            # Each call in a savepoint, as each request in production is on its own: a
            # database error in one must not poison the calls after it.
            with transaction.atomic():
                case.call_and_validate(excluded_checks=[positive_data_acceptance])

        try:
            call()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported below
            failures[operation.label] = str(exc)[:1500]
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
