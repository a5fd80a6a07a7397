from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client

from lpse.accounts.roles import Role
from lpse.accounts.services import api_token_create, api_token_revoke
from lpse.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_token_authentication_and_revocation() -> None:
    auditor = make_user(Role.AUDITOR)
    with transaction.atomic():
        token, key = api_token_create(user=auditor, name="monitoring")
    client = Client()
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert me.status_code == 200
    assert me.json()["username"] == auditor.username
    assert me.json()["roles"] == ["auditor"]
    events = client.get("/api/v1/audit/events/", HTTP_AUTHORIZATION=f"Token {key}")
    assert events.status_code == 200
    assert "results" in events.json()
    with transaction.atomic():
        api_token_revoke(user=auditor, token=token)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token lpse_wrong").status_code == 401


def test_auditor_cannot_write_through_the_api() -> None:
    auditor = make_user(Role.AUDITOR)
    with transaction.atomic():
        _token, key = api_token_create(user=auditor, name="monitoring")
    client = Client()
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/v1/audit/events/1/",
                                           HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code in (403, 404, 405)


def test_agency_list_is_scoped(client_for) -> None:
    admin = make_user(Role.AGENCY_ADMIN)
    make_user(Role.AGENCY_ADMIN)  # another agency
    data = client_for(admin).get("/api/v1/agencies/").json()
    assert [a["code"] for a in data["results"]] == [admin.agency.code]


def test_openapi_schema_describes_the_api(client) -> None:
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert "/api/v1/calendar/holidays/" in schema["paths"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()  # served locally (intranet deployments)


def test_api_authorization_failures_are_audited(client_for) -> None:
    from lpse.audit.models import AuditEvent

    vendor = make_user(Role.VENDOR)
    assert client_for(vendor).get("/api/v1/audit/events/").status_code == 403
    event = AuditEvent.objects.filter(action="auth.denied").latest("seq")
    assert event.actor_id == vendor.pk
    assert event.object_repr == "/api/v1/audit/events/"
