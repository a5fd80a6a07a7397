from __future__ import annotations

import time

import pytest
from django.test import Client

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import TEST_PASSWORD, make_user
from lpse.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _post_login(client: Client, username: str, password: str, ip: str) -> int:
    response = client.post("/accounts/login/", {"username": username, "password": password},
                           REMOTE_ADDR=ip)
    return response.status_code


def test_login_by_user_id_or_email_case_insensitive() -> None:
    user = make_user(Role.VENDOR, username="cv.mitra", email="Info@Mitra.test")
    for identifier in ("cv.mitra", "CV.MITRA", "info@mitra.test"):
        client = Client()
        assert _post_login(client, identifier, TEST_PASSWORD, "10.0.0.1") == 302
    assert AuditEvent.objects.filter(action="auth.login", object_id=str(user.pk)).count() == 3


def test_lockout_is_per_user_and_address() -> None:
    make_user(Role.VENDOR, username="korban")
    attacker = Client()
    statuses = [_post_login(attacker, "korban", "salah", "203.0.113.9") for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    assert _post_login(attacker, "korban", TEST_PASSWORD, "203.0.113.9") == 429
    # The real user on another address is not locked out by the attacker.
    assert _post_login(Client(), "korban", TEST_PASSWORD, "198.51.100.7") == 302
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 5


def test_per_ip_cap_across_many_user_ids(settings) -> None:
    settings.LOGIN_IP_FAILURE_CAP = 8
    victim = make_user(Role.VENDOR, username="target")
    client = Client()
    for i in range(8):
        _post_login(client, f"guess{i}", "salah", "192.0.2.50")
    response = client.post("/accounts/login/", {"username": victim.username,
                                                 "password": TEST_PASSWORD},
                           REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 200
    assert "Terlalu banyak" in response.content.decode()
    assert _post_login(Client(), victim.username, TEST_PASSWORD, "192.0.2.51") == 302


def test_official_must_pass_two_factor_before_anything(client_for) -> None:
    official = make_user(Role.HEAD)
    client = Client()
    client.force_login(official)
    response = client.get("/accounts/users/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/verify/")
    assert client.get("/api/v1/me/").status_code == 403
    fresh = make_user(Role.HEAD, two_factor=False)
    client.force_login(fresh)
    assert client.get("/dashboard/")["Location"].startswith("/accounts/2fa/setup/")
    assert client_for(official).get("/accounts/users/").status_code == 200


def test_vendors_need_no_second_factor() -> None:
    vendor = make_user(Role.VENDOR)
    client = Client()
    client.force_login(vendor)
    assert client.get("/dashboard/").status_code == 200


@pytest.mark.parametrize(("role", "idle_minutes", "expired"), [
    (Role.HELPDESK, 14, False), (Role.HELPDESK, 16, True),
    (Role.VENDOR, 29, False), (Role.VENDOR, 31, True),
])
def test_idle_timeout_by_role(client_for, role: Role, idle_minutes: int, expired: bool) -> None:
    client = client_for(make_user(role))
    session = client.session
    session["last_activity"] = time.time() - idle_minutes * 60
    session.save()
    response = client.get("/dashboard/")
    assert (response.status_code == 302 and "/accounts/login/" in response["Location"]) \
        == expired


def test_absolute_session_limit(client_for) -> None:
    client = client_for(make_user(Role.VENDOR))
    session = client.session
    session["login_at"] = time.time() - 12 * 3600 - 5
    session["last_activity"] = time.time()
    session.save()
    assert "/accounts/login/" in client.get("/dashboard/")["Location"]


def test_password_reset_does_not_reveal_accounts(smtp, django_capture_on_commit_callbacks) -> None:
    user = make_user(Role.VENDOR, email="ada@contoh.test")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/password/reset/", {"identifier": "ada@contoh.test"},
                            follow=True)
        unknown = client.post("/accounts/password/reset/", {"identifier": "tidak@ada.test"},
                              follow=True)
    assert known.status_code == unknown.status_code == 200
    assert [m.message for m in known.context["messages"]] == \
        [m.message for m in unknown.context["messages"]]
    link = smtp.last_link(user.email, "/accounts/password/set/")
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    done = client.post("/" + path, {"new_password1": "Sumedang-Baru-77!",
                                    "new_password2": "Sumedang-Baru-77!"})
    assert done.status_code == 302
    assert client.get("/" + path).status_code == 400  # single use


def test_logout_is_post_only(client_for) -> None:
    client = client_for(make_user(Role.VENDOR))
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/dashboard/").status_code == 302
