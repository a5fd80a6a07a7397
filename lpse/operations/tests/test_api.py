from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lpse.accounts.roles import Role
from lpse.accounts.services import api_token_create
from lpse.accounts.tests.factories import make_user
from lpse.operations import hooks
from lpse.operations.models import Alert, MaintenanceWindow

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_api(client):
    auditor = make_user(Role.AUDITOR)
    _token, key = api_token_create(user=auditor, name="LKPP")
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client


def test_capacity_and_sop_report_with_the_auditor_token(auditor_api):
    hooks.unregister_sop_source("1.2", "9")  # the vendors app measures it; not here
    data = auditor_api.get("/api/v1/operations/capacity/").json()
    assert any(c["key"] == "memory" for c in data["checks"])
    rows = auditor_api.get("/api/v1/operations/sop-report/",
                           {"start": "2026-11-01", "end": "2026-11-30"}).json()
    step = next(r for r in rows if r["procedure"] == "1.2" and r["step"] == "9")
    assert step == {"procedure": "1.2", "step": "9", "description": step["description"],
                    "standard": "15 – 30 Menit", "recorded": False, "cases": None,
                    "median_minutes": None, "p90_minutes": None, "breaches": None}
    assert auditor_api.get("/api/v1/operations/sop-report/",
                           {"start": "x"}).status_code == 400


def test_lists_with_filters_and_bounded_queries(auditor_api, django_assert_max_num_queries):
    now = timezone.now()
    admin = make_user(Role.SYSADMIN)
    for n in range(30):
        Alert.objects.create(key=f"k{n}", source="capacity", level="warning", title=f"A{n}",
                             opened_at=now, last_seen_at=now,
                             resolved_at=None if n % 2 else now)
        MaintenanceWindow.objects.create(title=f"W{n}", message="m", created_by=admin,
                                         starts_at=now + timedelta(days=n),
                                         ends_at=now + timedelta(days=n, hours=1))
    with django_assert_max_num_queries(8):
        data = auditor_api.get("/api/v1/operations/alerts/", {"open": "true"}).json()
    assert data["count"] == 15
    with django_assert_max_num_queries(8):
        data = auditor_api.get("/api/v1/operations/maintenance-windows/").json()
    assert data["count"] == 30
    assert data["results"][0]["created_by"] == admin.username


def test_list_pages_bounded_queries(client_for, django_assert_max_num_queries):
    now = timezone.now()
    admin = make_user(Role.SYSADMIN)
    for n in range(40):
        Alert.objects.create(key=f"k{n}", source="security", level="critical", title=f"A{n}",
                             opened_at=now, last_seen_at=now)
        MaintenanceWindow.objects.create(title=f"W{n}", message="m", created_by=admin,
                                         starts_at=now + timedelta(days=n),
                                         ends_at=now + timedelta(days=n, hours=1))
    client = client_for(admin)
    with django_assert_max_num_queries(25):
        assert client.get("/operations/alerts/?source=security").status_code == 200
    with django_assert_max_num_queries(25):
        response = client.get("/operations/maintenance/?q=W1")
    assert "W19" in response.content.decode()


def test_deadline_provider_window_filtering():
    now = timezone.now()
    hooks.register_deadline_provider(lambda s, e: [hooks.Deadline("in", now),
                                                   hooks.Deadline("out", now + timedelta(days=9))])
    found = hooks.deadlines_between(now - timedelta(hours=1), now + timedelta(hours=1))
    assert [d.label for d in found] == ["in"]
