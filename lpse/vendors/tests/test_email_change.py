"""Company e-mail change (Lampiran III 3.3–3.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.vendors import services
from lpse.vendors.models import EmailChangeRequest, ProcedureStep, Vendor
from lpse.vendors.tests.factories import EXE_BYTES, PDF_BYTES, make_vendor, named

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor():
    return make_vendor(email="lama@karya.test",
                       user=make_user(Role.VENDOR, email="lama@karya.test"))


def _file(vendor: Vendor, actor=None, new_email: str = "baru@karya.test") -> EmailChangeRequest:
    return services.email_change_file(vendor=vendor, actor=actor or vendor.account,
                                      new_email=new_email,
                                      statement=named(PDF_BYTES, "pernyataan.pdf"))


def test_full_procedure_times_every_step_and_tells_both_addresses(
    vendor, smtp, django_capture_on_commit_callbacks
):
    verifier, admin = make_user(Role.VERIFIER), make_user(Role.APPADMIN)
    start = timezone.now()
    with time_machine.travel(start, tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        change = _file(vendor)
    assert change.status == EmailChangeRequest.Status.FILED
    assert change.statement_letter.personal_data
    assert "baru@karya.test" in smtp.body(smtp.to("lama@karya.test")[-1])
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        services.email_change_check_start(change=change, actor=verifier)
    with time_machine.travel(start + timedelta(hours=2, minutes=6), tick=False):
        services.email_change_verify(change=change, actor=verifier, statement_signed=True,
                                     ktp_original_seen=True, deed_seen=True, note="KTP asli")
    with time_machine.travel(start + timedelta(hours=3), tick=False):
        services.email_change_receive(change=change, actor=admin)
    smtp.clear()
    with time_machine.travel(start + timedelta(hours=3, minutes=18), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        services.email_change_apply(change=change, actor=admin)
    vendor.refresh_from_db()
    change.refresh_from_db()
    assert vendor.email == vendor.account.email == "baru@karya.test"
    assert change.status == EmailChangeRequest.Status.APPLIED
    assert change.record is not None
    assert change.record.letter_type == "vendors.email_change_record"
    for address in ("lama@karya.test", "baru@karya.test"):
        [message] = smtp.to(address)
        assert list(message.iter_attachments())
    steps = [(s.step, s.actor_role, s.duration_minutes)
             for s in ProcedureStep.objects.filter(email_change=change).order_by("started_at")]
    assert steps == [(1, "vendor", 0.0), (1, "verifier", 6.0), (2, "administrator", 54.0),
                     (3, "administrator", 18.0)]
    step_3 = ProcedureStep.objects.get(email_change=change, step=3)
    assert step_3.within_standard is True
    assert step_3.actor == admin
    assert AuditEvent.objects.filter(action="vendor.email_changed").exists()


def test_helpdesk_files_on_behalf_of_the_vendor(vendor):
    change = _file(vendor, actor=make_user(Role.HELPDESK))
    assert ProcedureStep.objects.get(email_change=change).actor_role == "helpdesk"
    with pytest.raises(PermissionDenied):
        _file(make_vendor(), actor=make_user(Role.VERIFIER))
    with pytest.raises(PermissionDenied):
        _file(make_vendor(), actor=make_vendor().account)  # another vendor


def test_bad_requests_are_refused(vendor):
    make_vendor(user=make_user(Role.VENDOR, email="dipakai@karya.test"))
    for new_email, field in (("bukan-email", "new_email"), ("LAMA@karya.test", "new_email"),
                             ("dipakai@karya.test", "new_email")):
        with pytest.raises(ValidationError) as exc:
            _file(vendor, new_email=new_email)
        assert field in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.email_change_file(vendor=vendor, actor=vendor.account, new_email="a@b.test",
                                   statement=named(EXE_BYTES, "surat.pdf"))
    assert "statement" in exc.value.message_dict
    assert not EmailChangeRequest.objects.exists()
    _file(vendor)
    with pytest.raises(ValidationError):  # one open request at a time
        _file(vendor, new_email="lain@karya.test")


def test_verifier_must_confirm_every_document_or_reject(vendor, smtp,
                                                        django_capture_on_commit_callbacks):
    verifier = make_user(Role.VERIFIER)
    change = _file(vendor)
    with pytest.raises(ValidationError):
        services.email_change_verify(change=change, actor=verifier, statement_signed=True,
                                     ktp_original_seen=False, deed_seen=True)
    with pytest.raises(PermissionDenied):
        services.email_change_apply(change=change, actor=verifier)
    with pytest.raises(ValidationError):  # not verified yet
        services.email_change_apply(change=change, actor=make_user(Role.APPADMIN))
    with pytest.raises(ValidationError):
        services.email_change_reject(change=change, actor=verifier, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.email_change_reject(change=change, actor=verifier,
                                     reason="KTP asli tidak sesuai")
    change.refresh_from_db()
    vendor.refresh_from_db()
    assert change.status == EmailChangeRequest.Status.REJECTED
    assert vendor.email == "lama@karya.test"
    assert "KTP asli tidak sesuai" in smtp.body(smtp.to("lama@karya.test")[-1])
    _file(vendor)  # a new request may be filed after a rejection


def test_address_taken_meanwhile_blocks_application(vendor):
    verifier, admin = make_user(Role.VERIFIER), make_user(Role.APPADMIN)
    change = _file(vendor)
    services.email_change_verify(change=change, actor=verifier, statement_signed=True,
                                 ktp_original_seen=True, deed_seen=True)
    make_vendor(user=make_user(Role.VENDOR, email="baru@karya.test"))
    with pytest.raises(ValidationError):
        services.email_change_apply(change=change, actor=admin)
    change.refresh_from_db()
    assert change.status == EmailChangeRequest.Status.VERIFIED


def test_steps_feed_the_operations_sop_report(vendor):
    from lpse.core.calendar import localdate_wib
    from lpse.operations.sop_report import build_report

    verifier, admin = make_user(Role.VERIFIER), make_user(Role.APPADMIN)
    start = timezone.now() - timedelta(hours=5)
    with time_machine.travel(start, tick=False):
        change = _file(vendor)
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        services.email_change_verify(change=change, actor=verifier, statement_signed=True,
                                     ktp_original_seen=True, deed_seen=True)
        services.email_change_receive(change=change, actor=admin)
    with time_machine.travel(start + timedelta(hours=1, minutes=45), tick=False):
        services.email_change_apply(change=change, actor=admin)
    today = localdate_wib()
    report = build_report(today - timedelta(days=1), today)
    rows = {(r.procedure.code, r.step.code): r for r in report.rows}
    assert all(rows[("3.4", code)].recorded for code in ("1", "2", "3"))
    assert all(rows[("1.2", str(code))].recorded for code in range(1, 10))
    assert [rows[("3.4", code)].cases for code in ("1", "2", "3")] == [1, 1, 1]
    # 45 minutes against the standard of 15–30: a breach, named with the administrator.
    [breach] = rows[("3.4", "3")].breaches
    assert breach.actor == admin.username
    assert rows[("3.4", "1")].median_minutes == 60.0
