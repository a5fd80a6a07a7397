from __future__ import annotations

import time

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.oath import totp

from lpse.accounts import services
from lpse.accounts.models import ApiToken, User
from lpse.accounts.roles import Perm, Role, grantable_roles, has_perm
from lpse.accounts.tests.factories import TEST_PASSWORD, AgencyFactory, make_user
from lpse.accounts.validators import validate_nip
from lpse.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("nip", ["198612012010011005", "1986 1201 201001 1 005",
                                 "197808212005011004"])
def test_valid_nips(nip: str) -> None:
    validate_nip(nip.replace(" ", ""))


@pytest.mark.parametrize(("nip", "code"), [
    ("12345", "nip_format"),
    ("19861301201001100A", "nip_format"),
    ("198613012010011005", "nip_birth"),
    ("198612012010131005", "nip_appointment"),
    ("198612011990011005", "nip_appointment"),
    ("198612012010013005", "nip_sex"),
    ("198612012010011000", "nip_seq"),
])
def test_invalid_nips(nip: str, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_nip(nip)
    assert excinfo.value.code == code


def test_auditor_holds_only_read_permissions() -> None:
    for perm in Perm:
        if Role.AUDITOR in perm.roles:
            assert not perm.writes, perm


def test_who_creates_whom() -> None:
    sysadmin = make_user(Role.SYSADMIN)
    agency_admin = make_user(Role.AGENCY_ADMIN)
    assert Role.AGENCY_ADMIN in grantable_roles(sysadmin)
    assert Role.PPK not in grantable_roles(sysadmin)
    assert grantable_roles(agency_admin) == {Role.PPK, Role.COMMITTEE,
                                             Role.PROCUREMENT_OFFICER, Role.BUDGET_OWNER}
    assert grantable_roles(make_user(Role.PPK)) == frozenset()


def _create(actor: User, **overrides: object) -> User:
    fields: dict[str, object] = {
        "username": "ppk.baru", "email": "ppk.baru@example.test", "full_name": "PPK Baru",
        "roles": [Role.PPK], "nip": "197808212005011004",
    }
    fields.update(overrides)
    with transaction.atomic():
        return services.official_create(actor=actor, **fields)  # type: ignore[arg-type]


def test_agency_admin_creates_officials_of_its_own_agency_only(
    smtp, django_capture_on_commit_callbacks
) -> None:
    own, other = AgencyFactory(), AgencyFactory()
    admin = make_user(Role.AGENCY_ADMIN, agency=own)
    with django_capture_on_commit_callbacks(execute=True):
        ppk = _create(admin, agency=other)  # the agency given is ignored: own agency is used
    assert ppk.agency == own
    assert not ppk.has_usable_password()
    assert smtp.last_link("ppk.baru@example.test", "/accounts/password/set/")
    with pytest.raises(PermissionDenied):
        _create(admin, username="x", email="x@e.test", nip="197808212005011005",
                roles=[Role.AGENCY_ADMIN])
    with pytest.raises(PermissionDenied):
        _create(admin, username="y", email="y@e.test", nip="197808212005011006",
                roles=[Role.VERIFIER])


def test_sysadmin_creates_lpse_officers_and_agency_admins() -> None:
    sysadmin = make_user(Role.SYSADMIN)
    verifier = _create(sysadmin, username="verif", email="v@e.test", roles=[Role.VERIFIER],
                       nip="199001152014021002")
    assert verifier.agency is None
    agency = AgencyFactory()
    admin = _create(sysadmin, username="adm", email="a@e.test", roles=[Role.AGENCY_ADMIN],
                    agency=agency, nip="198612012010011005")
    assert admin.agency == agency
    with pytest.raises(ValidationError):
        _create(sysadmin, username="adm2", email="a2@e.test", roles=[Role.AGENCY_ADMIN],
                nip="198612012010011006")  # no agency
    with pytest.raises(PermissionDenied):
        _create(sysadmin)  # PPK is created by the agency administrator


def test_duplicates_are_refused_field_by_field() -> None:
    sysadmin = make_user(Role.SYSADMIN)
    _create(sysadmin, username="dup", email="dup@e.test", roles=[Role.HELPDESK],
            nip="199204232015032001")
    with pytest.raises(ValidationError) as excinfo:
        _create(sysadmin, username="DUP", email="DUP@E.TEST", roles=[Role.HELPDESK],
                nip="199204232015032001")
    assert set(excinfo.value.message_dict) >= {"username", "email", "nip"}
    assert User.objects.filter(username__iexact="dup").count() == 1


def test_disabling_ends_every_session_and_token(client) -> None:
    sysadmin = make_user(Role.SYSADMIN)
    target = make_user(Role.HELPDESK)
    for identifier, each in ((target.username, client), (target.email, type(client)())):
        response = each.post("/accounts/login/", {"username": identifier,
                                                  "password": TEST_PASSWORD})
        assert response.status_code == 302
    with transaction.atomic():
        token, key = services.api_token_create(user=target, name="skrip")
    assert target.sessions.count() == 2
    sessions_before = Session.objects.count()
    with transaction.atomic():
        services.user_disable(actor=sysadmin, user=target, reason="Pindah tugas")
    assert Session.objects.count() == sessions_before - 2
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code in (401, 403)
    event = AuditEvent.objects.filter(action="user.disabled", object_id=str(target.pk)).get()
    assert event.data["reason"] == "Pindah tugas"
    assert event.data["sessions_ended"] == 2


def test_disable_requires_reason_and_not_self() -> None:
    sysadmin = make_user(Role.SYSADMIN)
    with pytest.raises(ValidationError):
        services.user_disable(actor=sysadmin, user=sysadmin, reason="x")
    with pytest.raises(ValidationError):
        services.user_disable(actor=sysadmin, user=make_user(Role.HELPDESK), reason=" ")


def test_roles_set_keeps_roles_the_actor_cannot_grant() -> None:
    agency = AgencyFactory()
    admin = make_user(Role.AGENCY_ADMIN, agency=agency)
    ppk = make_user(Role.PPK, agency=agency)
    with transaction.atomic():
        services.user_roles_set(actor=admin, user=ppk, roles=[Role.PPK, Role.COMMITTEE])
    ppk = User.objects.get(pk=ppk.pk)
    assert ppk.role_set == {Role.PPK, Role.COMMITTEE}
    foreign = make_user(Role.PPK)
    with pytest.raises(PermissionDenied):
        services.user_roles_set(actor=admin, user=foreign, roles=[Role.COMMITTEE])


def test_two_factor_enrolment_and_backup_codes() -> None:
    user = make_user(Role.VERIFIER, two_factor=False)
    device = services.totp_device_begin(user=user)
    with pytest.raises(ValidationError):
        services.totp_device_confirm(user=user, device=device, token="000000")
    # A failure throttles the device for a moment (brute-force protection).
    with time_machine.travel(time.time() + 5, tick=False):
        code = f"{totp(device.bin_key):06d}"
        codes = services.totp_device_confirm(user=user, device=device, token=code)
    assert len(codes) == 10
    assert services.has_two_factor(user)
    assert services.two_factor_verify(user=user, token=codes[0]) is not None
    assert services.two_factor_verify(user=user, token=codes[0]) is None  # used once
    assert services.two_factor_verify(user=user, token="123456") is None
    actions = list(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action",
                                                                               flat=True))
    assert "auth.2fa_enrolled" in actions
    assert "auth.2fa_failed" in actions


def test_api_token_is_stored_hashed_and_shown_once() -> None:
    user = make_user(Role.AUDITOR)
    with transaction.atomic():
        token, key = services.api_token_create(user=user, name="LKPP monitoring")
    assert key.startswith("lpse_")
    assert key not in token.key_hash
    assert ApiToken.objects.get(pk=token.pk).key_hash == ApiToken.hash_key(key)
    assert has_perm(user, Perm.USE_API_TOKENS)


def test_bootstrap_admin_only_once() -> None:
    services.bootstrap_admin_create(username="admin", email="a@x.test", password="P@ss-1234-x",
                                    full_name="Admin")
    with pytest.raises(ValidationError):
        services.bootstrap_admin_create(username="admin2", email="b@x.test",
                                        password="P@ss-1234-x", full_name="Admin")
