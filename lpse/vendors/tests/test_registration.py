"""Registration services (Lampiran I 1.2 steps 1–7): link, form, bad input, races."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation

from lpse.accounts.models import User
from lpse.accounts.roles import Role
from lpse.audit.models import AuditEvent
from lpse.core.models import IssuedDocument, StoredFile
from lpse.vendors import services
from lpse.vendors.models import ProcedureStep, RegistrationLink, Vendor
from lpse.vendors.services.registration import LINK_SALT, registration_token
from lpse.vendors.tests.factories import (
    EXE_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    link_for,
    make_vendor,
    named,
    register,
    registration_data,
    valid_npwp,
)

pytestmark = pytest.mark.django_db


def _request(email: str, ip: str | None = "10.0.0.1") -> None:
    with transaction.atomic():
        services.registration_link_request(email=email, ip=ip, language="id")


def _nothing_saved(before_users: int, before_files: int) -> None:
    assert Vendor.objects.count() == 0
    assert User.objects.count() == before_users
    assert StoredFile.objects.count() == before_files


# --- The e-mailed link --------------------------------------------------------------------


def test_link_request_mails_a_signed_single_use_link(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _request("Admin@Karya.test")
    link = RegistrationLink.objects.get()
    assert link.email == "admin@karya.test"
    url = smtp.last_link("admin@karya.test", "/vendors/register/")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert signing.loads(token, salt=LINK_SALT) == {"n": link.nonce}
    assert services.registration_link_check(token) == link
    steps = ProcedureStep.objects.filter(registration_link=link).order_by("step")
    assert [(s.procedure, s.step, s.finished_at is not None) for s in steps] == [
        ("1.2", 1, True), ("1.2", 2, True), ("1.2", 3, False)]


def test_known_address_gets_a_notice_not_a_link(smtp, django_capture_on_commit_callbacks):
    vendor = make_vendor(status=Vendor.Status.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        _request(vendor.account.email.upper())
    assert not RegistrationLink.objects.exists()
    [message] = smtp.to(vendor.account.email)
    body = smtp.body(message)
    assert vendor.account.username in body
    assert "/vendors/register/" not in body
    assert "/accounts/password/reset/" in body


def test_rate_limit_per_address_is_silent(settings, smtp, django_capture_on_commit_callbacks):
    settings.VENDOR_REGISTRATION_LIMIT_PER_ADDRESS = 2
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(4):
            _request("same@karya.test", ip=f"10.0.0.{i}")
    assert RegistrationLink.objects.count() == 2
    assert len(smtp.to("same@karya.test")) == 2


def test_rate_limit_per_ip_raises(settings):
    settings.VENDOR_REGISTRATION_LIMIT_PER_IP = 3
    for i in range(3):
        _request(f"a{i}@karya.test", ip="10.9.9.9")
    with pytest.raises(services.RateLimited):
        _request("a4@karya.test", ip="10.9.9.9")
    _request("a5@karya.test", ip="10.9.9.8")  # another client is not affected
    assert RegistrationLink.objects.count() == 4


@pytest.mark.parametrize("token", ["", "garbage", "eyJuIjoiYWJjIn0:1abc:bad"])
def test_invalid_tokens_are_refused(token):
    with pytest.raises(services.RegistrationLinkInvalid) as exc:
        services.registration_link_check(token)
    assert exc.value.reason == "invalid"


def test_token_signed_with_another_salt_is_refused():
    link = link_for("x@karya.test")
    forged = signing.dumps({"n": link.nonce}, salt="something-else")
    with pytest.raises(services.RegistrationLinkInvalid):
        services.registration_link_check(forged)


def test_expired_link_is_refused(settings):
    link = link_for("late@karya.test")
    token = registration_token(link)
    with time_machine.travel(timezone.now() + timedelta(hours=49)), \
            pytest.raises(services.RegistrationLinkInvalid) as exc:
        services.registration_link_check(token)
    assert exc.value.reason == "expired"
    with pytest.raises(services.RegistrationLinkInvalid), \
            time_machine.travel(timezone.now() + timedelta(hours=49)):
        services.vendor_register(token=token, data=registration_data(), language="id")
    assert not Vendor.objects.exists()


# --- The form ---------------------------------------------------------------------------------


def test_registration_creates_pending_vendor_with_inactive_account(
    smtp, django_capture_on_commit_callbacks
):
    link = link_for("direktur@karya.test")
    data = registration_data(user_id="Karya.Sumedang",
                             scans={"ktp": named(PDF_BYTES, "ktp.pdf"),
                                    "npwp": named(PNG_BYTES, "npwp.png")})
    with django_capture_on_commit_callbacks(execute=True):
        vendor = services.vendor_register(token=registration_token(link), data=data,
                                          language="id")
    user = vendor.account
    assert vendor.status == Vendor.Status.PENDING
    assert vendor.registration_number.startswith("REG-")
    assert user.username == vendor.registered_user_id == "karya.sumedang"
    assert user.email == vendor.email == "direktur@karya.test"
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.role_set == {Role.VENDOR}
    assert vendor.npwp == "0" + data.npwp
    assert vendor.deeds.count() == 1
    assert vendor.licences.count() == 1
    scans = list(vendor.documents.select_related("file"))
    assert {s.kind for s in scans} == {"ktp", "npwp"}
    assert all(s.file.personal_data for s in scans)
    assert vendor.verification_deadline > timezone.now()
    link.refresh_from_db()
    assert link.used_at is not None
    assert link.vendor == vendor
    # Steps 1–7 are recorded; step 7 waits for the verifier, with the deadline.
    steps = {s.step: s for s in ProcedureStep.objects.filter(vendor=vendor)}
    assert sorted(steps) == [1, 2, 3, 4, 5, 6, 7]
    assert steps[7].finished_at is None
    assert steps[7].deadline == vendor.verification_deadline
    assert steps[7].standard_working_days == 7
    # The second e-mail: user ID, deadline, place, documents, the registration form.
    message = smtp.to("direktur@karya.test")[-1]
    body = smtp.body(message)
    assert "karya.sumedang" in body
    assert vendor.registration_number in body
    assert "KTP" in body
    [attachment] = list(message.iter_attachments())
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF")
    document = IssuedDocument.objects.get(letter_type="vendors.registration_form")
    assert document.subject_id == str(vendor.pk)
    assert AuditEvent.objects.filter(action="vendor.registered", object_id=str(vendor.pk)).exists()


def test_link_is_single_use():
    link = link_for("once@karya.test")
    token = registration_token(link)
    services.vendor_register(token=token, data=registration_data(), language="id")
    with pytest.raises(services.RegistrationLinkInvalid) as exc:
        services.vendor_register(token=token, data=registration_data(), language="id")
    assert exc.value.reason == "used"
    assert Vendor.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"npwp": "01.234.567.8-123.00"}, "npwp"),  # 14 digits
        ({"npwp": "012345679123000"}, "npwp"),  # wrong check digit
        ({"director_nik": "32110115087500"}, "director_nik"),
        ({"director_nik": "9911011508750001"}, "director_nik"),  # no such province
        ({"nib": "12345"}, "nib"),
        ({"user_id": "ab"}, "user_id"),
        ({"user_id": "Bad User!"}, "user_id"),
    ],
)
def test_malformed_input_is_refused_field_by_field_and_nothing_saved(overrides, field):
    link = link_for("bad@karya.test")
    users, files = User.objects.count(), StoredFile.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.vendor_register(token=registration_token(link),
                                 data=registration_data(**overrides), language="id")
    assert field in exc.value.message_dict
    _nothing_saved(users, files)
    link.refresh_from_db()
    assert link.used_at is None  # a failed submission does not consume the link


@pytest.mark.parametrize(
    ("scan", "message"),
    [
        (named(EXE_BYTES, "ktp.pdf"), "not accepted"),
        (named(b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 10), "big.pdf"), "larger than"),
    ],
)
def test_bad_scans_are_refused_and_leave_no_file(scan, message, settings):
    link = link_for("scan@karya.test")
    users, files = User.objects.count(), StoredFile.objects.count()
    data = registration_data(scans={"npwp": named(PDF_BYTES, "npwp.pdf"), "ktp": scan})
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.vendor_register(token=registration_token(link), data=data, language="en")
    assert message in " ".join(exc.value.message_dict["scan_ktp"])
    _nothing_saved(users, files)
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []


def test_duplicate_user_id_is_refused():
    register(user_id="sama.id")
    link = link_for("other@karya.test")
    with pytest.raises(ValidationError) as exc:
        services.vendor_register(token=registration_token(link),
                                 data=registration_data(user_id="SAMA.ID"), language="id")
    assert "user_id" in exc.value.message_dict
    assert Vendor.objects.count() == 1


def test_npwp_with_an_account_is_refused_with_guidance():
    npwp = valid_npwp()
    register(npwp=npwp)
    link = link_for("second@karya.test")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.vendor_register(token=registration_token(link),
                                 data=registration_data(npwp=npwp), language="en")
    assert "helpdesk" in " ".join(exc.value.message_dict["npwp"])


def test_amendment_older_than_establishment_and_future_deeds_are_refused():
    link = link_for("deed@karya.test")
    data = registration_data(
        establishment=services.DeedData("1", timezone.localdate() + timedelta(days=3), "N"),
        amendment=services.DeedData("2", timezone.localdate() - timedelta(days=900), "N"),
    )
    with pytest.raises(ValidationError) as exc:
        services.vendor_register(token=registration_token(link), data=data, language="id")
    assert {"establishment_date", "amendment_date"} <= set(exc.value.message_dict)


# --- Races -------------------------------------------------------------------------------------


def _race(tokens: list[str], datas: list[services.RegistrationData]) -> list[object]:
    barrier = threading.Barrier(len(tokens))
    results: list[object] = [None] * len(tokens)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = services.vendor_register(token=tokens[i], data=datas[i], language="id")
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same", ["npwp", "user_id"])
def test_concurrent_registrations_with_the_same_npwp_or_user_id(same):
    tokens = [registration_token(link_for(f"race{i}@karya.test")) for i in range(2)]
    shared = {"npwp": valid_npwp()} if same == "npwp" else {"user_id": "rebutan"}
    results = _race(tokens, [registration_data(**shared), registration_data(**shared)])
    winners = [r for r in results if isinstance(r, Vendor)]
    losers = [r for r in results if not isinstance(r, Vendor)]
    assert len(winners) == 1, results
    assert Vendor.objects.count() == 1
    assert all(isinstance(r, ValidationError) for r in losers), losers


@pytest.mark.django_db(transaction=True)
def test_concurrent_use_of_one_link_registers_once():
    token = registration_token(link_for("double@karya.test"))
    results = _race([token, token], [registration_data(), registration_data()])
    assert sum(isinstance(r, Vendor) for r in results) == 1, results
    assert Vendor.objects.count() == 1
