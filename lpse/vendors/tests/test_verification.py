"""The verification desk (Lampiran I 1.2 steps 8–9) and the expiry of registrations."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.core.calendar import WIB
from lpse.core.files import open_stored
from lpse.core.models import IssuedDocument
from lpse.vendors import services
from lpse.vendors.models import (
    ProcedureStep,
    Vendor,
    VendorDataChange,
    VerificationSession,
)
from lpse.vendors.tests.factories import approve, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def verifier():
    return make_user(Role.VERIFIER, full_name="Dedi Kurniawan")


def _all_checked(session: VerificationSession, **overrides: services.CheckResult):
    checks = {c.item: services.CheckResult(True, True) for c in session.checks.all()}
    checks.update(overrides)
    return checks


def test_opening_a_file_starts_the_timer_and_builds_the_checklist(verifier):
    vendor = register(amendment=services.DeedData("7", date(2020, 1, 2), "Notaris B"))
    session = services.verification_open(vendor=vendor, actor=verifier)
    assert session.is_open
    assert session.kind == "registration"
    items = [c.item for c in session.checks.all()]
    assert items[0] == "ktp"
    assert {"deed_establishment", "deed_amendment", "npwp"} <= set(items)
    assert any(i.startswith("licence_") for i in items)
    # Opening again (another verifier, or a second click) resumes the same session.
    assert services.verification_open(vendor=vendor, actor=make_user(Role.VERIFIER)) == session
    steps = {s.step: s for s in ProcedureStep.objects.filter(session=session)}
    assert steps[8].actor == verifier
    assert steps[8].finished_at == steps[8].started_at
    assert steps[8].within_service_hours is not None
    assert steps[9].finished_at is None
    assert (steps[9].standard_minutes_min, steps[9].standard_minutes_max) == (15, 30)


def test_only_verifiers_open_files():
    vendor = register()
    for role in (Role.HELPDESK, Role.APPADMIN, Role.VENDOR):
        with pytest.raises(PermissionDenied):
            services.verification_open(vendor=vendor, actor=make_user(role))


def test_approval_activates_and_mails_a_single_use_password_link(
    verifier, smtp, django_capture_on_commit_callbacks
):
    vendor = register()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        session = services.verification_open(vendor=vendor, actor=verifier)
    with time_machine.travel(start + timedelta(minutes=22), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        services.verification_finish(session=session, actor=verifier,
                                     checks=_all_checked(session), outcome="approved")
    vendor.refresh_from_db()
    session.refresh_from_db()
    assert vendor.status == Vendor.Status.ACTIVE
    assert vendor.is_verified
    assert vendor.verified_by == verifier
    assert vendor.account.is_active
    assert not vendor.account.has_usable_password()  # never a password by e-mail
    assert session.duration_minutes == 22.0
    step_9 = ProcedureStep.objects.get(session=session, step=9)
    assert step_9.duration_minutes == 22.0
    assert step_9.within_standard is True
    step_7 = ProcedureStep.objects.get(vendor=vendor, step=7)
    assert step_7.outcome == "approved"
    assert step_7.within_standard is True
    # The verification record is a numbered official document.
    record = IssuedDocument.objects.get(pk=session.record_id)
    assert record.letter_type == "vendors.verification_record"
    assert record.number.startswith("BAV/")
    with open_stored(record.file) as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    assert record.number.encode() in pdf  # in the document's metadata
    # Two e-mails: the outcome with the record, and the link to set the password.
    messages = smtp.to(vendor.email)
    link = smtp.last_link(vendor.email, "/accounts/password/set/")
    assert any(list(m.iter_attachments()) for m in messages)
    client = Client()
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post(f"/{path}", {"new_password1": "Sumedang-Rekanan-2026!",
                                         "new_password2": "Sumedang-Rekanan-2026!"})
    assert response.status_code == 302
    vendor.account.refresh_from_db()
    assert vendor.account.check_password("Sumedang-Rekanan-2026!")
    assert client.get(f"/{path}").status_code == 400  # the link was single-use


def test_approval_needs_every_original_seen(verifier):
    vendor = register()
    session = services.verification_open(vendor=vendor, actor=verifier)
    checks = _all_checked(session, ktp=services.CheckResult(True, False, "NIK berbeda"))
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.verification_finish(session=session, actor=verifier, checks=checks,
                                     outcome="approved")
    assert "Not complete" in str(exc.value)
    session.refresh_from_db()
    vendor.refresh_from_db()
    assert session.is_open
    assert vendor.status == Vendor.Status.PENDING
    assert not session.checks.filter(note="NIK berbeda").exists()  # nothing half-saved


def test_incomplete_keeps_the_deadline_and_the_vendor_comes_back(
    verifier, smtp, django_capture_on_commit_callbacks
):
    vendor = register()
    deadline = vendor.verification_deadline
    session = services.verification_open(vendor=vendor, actor=verifier)
    with pytest.raises(ValidationError):  # say what is missing
        services.verification_finish(session=session, actor=verifier, checks={},
                                     outcome="incomplete")
    with django_capture_on_commit_callbacks(execute=True):
        services.verification_finish(session=session, actor=verifier, checks={},
                                     outcome="incomplete", reason="Akta pendirian asli")
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.PENDING
    assert vendor.verification_deadline == deadline
    assert "Akta pendirian asli" in smtp.body(smtp.to(vendor.email)[-1])
    second = services.verification_open(vendor=vendor, actor=verifier)
    assert second != session
    services.verification_finish(session=second, actor=verifier, checks=_all_checked(second),
                                 outcome="approved")
    assert ProcedureStep.objects.filter(vendor=vendor, step=9).count() == 2


def test_rejection_needs_a_reason_and_frees_the_identifiers(verifier):
    vendor = register(user_id="ditolak.cv")
    session = services.verification_open(vendor=vendor, actor=verifier)
    with pytest.raises(ValidationError):
        services.verification_finish(session=session, actor=verifier, checks={},
                                     outcome="rejected")
    services.verification_finish(session=session, actor=verifier, checks={},
                                 outcome="rejected", reason="Akta palsu")
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.REJECTED
    assert vendor.rejection_reason == "Akta palsu"
    assert vendor.account.username != "ditolak.cv"
    # The company may register again: same user ID, same NPWP, same address.
    again = register(email=vendor.email, user_id="ditolak.cv", npwp=vendor.npwp[1:])
    assert again.status == Vendor.Status.PENDING


def test_blacklist_hit_blocks_approval_while_in_force(verifier):
    vendor = register()
    admin = make_user(Role.APPADMIN)
    entry = services.blacklist_add(
        actor=admin, company_name=vendor.name, npwp="", nik=vendor.director_nik,
        source_reference="SK 027/1/2026", starts_on=date(2026, 1, 1), ends_on=None)
    session = services.verification_open(vendor=vendor, actor=verifier)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.verification_finish(session=session, actor=verifier,
                                     checks=_all_checked(session), outcome="approved")
    assert "blacklist" in str(exc.value)
    services.blacklist_revoke(actor=admin, entry=entry, reason="Putusan PTUN")
    services.verification_finish(session=session, actor=verifier,
                                 checks=_all_checked(session), outcome="approved")
    vendor.refresh_from_db()
    assert vendor.is_verified


def test_corrections_are_recorded_with_reason_and_appear_in_the_record(verifier):
    vendor = register(name="Karya Slah Ketik")
    session = services.verification_open(vendor=vendor, actor=verifier)
    with pytest.raises(ValidationError):
        services.verification_correct(session=session, actor=verifier, field="name",
                                      value="Karya Salah Ketik", reason="")
    with pytest.raises(ValidationError):
        services.verification_correct(session=session, actor=verifier, field="director_nik",
                                      value="123", reason="KTP")
    change = services.verification_correct(session=session, actor=verifier, field="name",
                                           value="Karya Salah Ketik", reason="Sesuai akta")
    services.verification_correct(session=session, actor=verifier,
                                  field="deed.establishment.number", value="12A",
                                  reason="Sesuai akta")
    vendor.refresh_from_db()
    assert vendor.name == "Karya Salah Ketik"
    assert vendor.deeds.get().number == "12A"
    assert change.source == VendorDataChange.Source.VERIFIER
    assert change.session == session
    assert AuditEvent.objects.filter(action="vendor.data_corrected").count() == 2
    services.verification_finish(session=session, actor=verifier,
                                 checks=_all_checked(session), outcome="approved")
    with pytest.raises(ValidationError):  # a finished session cannot be corrected
        services.verification_correct(session=session, actor=verifier, field="phone",
                                      value="0261-9", reason="x")


def test_finishing_twice_is_refused(verifier):
    vendor = register()
    session = services.verification_open(vendor=vendor, actor=verifier)
    services.verification_finish(session=session, actor=verifier,
                                 checks=_all_checked(session), outcome="approved")
    with pytest.raises(ValidationError):
        services.verification_finish(session=session, actor=verifier, checks={},
                                     outcome="rejected", reason="x")


def test_resend_activation_link(verifier, smtp, django_capture_on_commit_callbacks):
    vendor = approve(register(), verifier)
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.activation_link_resend(vendor=vendor, actor=verifier)
    assert smtp.last_link(vendor.email, "/accounts/password/set/")
    with pytest.raises(ValidationError):
        services.activation_link_resend(vendor=register(), actor=verifier)  # still pending


# --- Expiry (periodic job), with the holiday calendar -----------------------------------------


def test_deadline_counts_seven_working_days_across_national_holidays():
    # Friday 14 August 2026, the working day before Independence Day (Monday 17 August);
    # Tuesday 25 August is a holiday too (Maulid Nabi). Working days after the 14th:
    # 18, 19, 20, 21, 24, 26, 27 → the deadline is Thursday 27 August, 15:00 WIB.
    with time_machine.travel(datetime(2026, 8, 14, 10, 30, tzinfo=WIB), tick=False):
        vendor = register()
    assert vendor.verification_deadline == datetime(2026, 8, 27, 15, 0, tzinfo=WIB)


def test_expiry_across_a_holiday_with_a_frozen_clock(smtp, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2026, 8, 14, 10, 30, tzinfo=WIB), tick=False):
        vendor = register(user_id="kedaluwarsa")
    # Without the holidays the 7th working day would be Tuesday 25 August.
    with time_machine.travel(datetime(2026, 8, 25, 16, 0, tzinfo=WIB), tick=False):
        assert services.registrations_expire() == 0
    with time_machine.travel(datetime(2026, 8, 27, 14, 59, tzinfo=WIB), tick=False):
        assert services.registrations_expire() == 0
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.PENDING
    with time_machine.travel(datetime(2026, 8, 27, 15, 5, tzinfo=WIB), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        assert services.registrations_expire() == 1
        assert services.registrations_expire() == 0  # idempotent
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.EXPIRED
    assert vendor.expired_at == datetime(2026, 8, 27, 15, 5, tzinfo=WIB)
    step_7 = ProcedureStep.objects.get(vendor=vendor, step=7)
    assert step_7.outcome == "expired"
    assert step_7.within_standard is False
    body = smtp.body(smtp.to(vendor.email)[-1])
    assert "/vendors/register/" in body
    # The vendor may register again with the same user ID and NPWP.
    again = register(email=vendor.email, user_id="kedaluwarsa", npwp=vendor.npwp)
    assert again.status == Vendor.Status.PENDING


def test_a_vendor_at_the_desk_is_not_expired_under_the_verifier(verifier):
    with time_machine.travel(datetime(2026, 8, 14, 10, 30, tzinfo=WIB), tick=False):
        vendor = register()
    with time_machine.travel(datetime(2026, 8, 27, 14, 50, tzinfo=WIB), tick=False):
        session = services.verification_open(vendor=vendor, actor=verifier)
    with time_machine.travel(datetime(2026, 8, 27, 15, 10, tzinfo=WIB), tick=False):
        assert services.registrations_expire() == 0
        services.verification_finish(session=session, actor=verifier,
                                     checks=_all_checked(session), outcome="approved")
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.ACTIVE


def test_a_lapsed_registration_cannot_be_opened(verifier):
    with time_machine.travel(datetime(2026, 8, 14, 10, 30, tzinfo=WIB), tick=False):
        vendor = register()
    with time_machine.travel(datetime(2026, 8, 28, 9, 0, tzinfo=WIB), tick=False), \
            pytest.raises(ValidationError):
        services.verification_open(vendor=vendor, actor=verifier)


def test_the_expiry_task_runs_the_service():
    from lpse.vendors.jobs import expire_registrations

    with time_machine.travel(datetime(2026, 8, 14, 10, 30, tzinfo=WIB), tick=False):
        register()
    with time_machine.travel(datetime(2026, 9, 1, 9, 0, tzinfo=WIB), tick=False):
        result = expire_registrations.enqueue()
    assert result.return_value == {"expired": 1}


def test_registration_data_with_individual_business_needs_no_nib():
    vendor = register(business_form="perorangan", nib="")
    assert vendor.nib == ""
    with pytest.raises(ValidationError):
        register(nib="")  # a CV needs one
