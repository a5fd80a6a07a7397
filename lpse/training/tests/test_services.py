"""The training procedure (Lampiran II 2.3 table a) from the letter to the certificates."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import AgencyFactory, make_user
from lpse.core.files import open_stored
from lpse.training import services
from lpse.training.ical import sessions_ical
from lpse.training.models import (
    Audience,
    Participant,
    TrainingRequest,
    TrainingSession,
    TrainingStep,
)
from lpse.training.tests.factories import at, room, scheduled, submitted

FRI = date(2026, 12, 4)
BEFORE = at(date(2026, 11, 30), 8)


@pytest.fixture
def people(db):
    agency = AgencyFactory(code="DPUTR", name="Dinas PUTR", email="dputr@sumedang.test")
    return {
        "admin": make_user(Role.AGENCY_ADMIN, agency=agency, email="admin@dputr.test"),
        "head": make_user(Role.HEAD, full_name="Drs. Ujang", email="kepala@lpse.test"),
        "helpdesk": make_user(Role.HELPDESK, email="hd@lpse.test"),
        "trainer": make_user(Role.TRAINER, full_name="Yusuf Maulana",
                             email="yusuf@lpse.test"),
    }


@pytest.mark.django_db
def test_the_whole_procedure_is_timed_and_lettered(people, smtp,
                                                   django_capture_on_commit_callbacks) -> None:
    with time_machine.travel(BEFORE, tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        session = scheduled(people["admin"], people["head"], people["helpdesk"], day=FRI)
    request = session.request
    assert request.status == TrainingRequest.Status.SCHEDULED
    assert smtp.to("kepala@lpse.test")  # told of the new letter
    assert smtp.to("hd@lpse.test")  # told of the disposition

    with time_machine.travel(BEFORE + timedelta(minutes=30), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_letter_issue(
            actor=people["head"], request=request,
            started_at=BEFORE + timedelta(minutes=18))
    assert reply.number.startswith("005/0001/LPSE/XI/2026")
    letter_mail = smtp.to("dputr@sumedang.test")[-1]
    assert "admin@dputr.test" in letter_mail["To"]
    attachment = next(letter_mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    with open_stored(reply.file) as handle:
        assert attachment.get_content() == handle.read()

    with time_machine.travel(BEFORE + timedelta(minutes=31), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        assignment = services.trainer_assign(actor=people["head"], session=session,
                                             trainer=people["trainer"])
    assert assignment.letter_type == "training.assignment"
    assert next(smtp.to("yusuf@lpse.test")[-1].iter_attachments()).get_filename().endswith(
        ".pdf")
    request.refresh_from_db()
    assert request.status == TrainingRequest.Status.ASSIGNED

    first = services.participant_add(actor=people["admin"], session=session, name="Wawan",
                                     email="wawan@dputr.test")
    services.participant_add(actor=people["admin"], session=session, name="Euis")
    with time_machine.travel(at(FRI, 10), tick=False):
        services.attendance_record(actor=people["trainer"], session=session,
                                   present=[first.pk])
        with django_capture_on_commit_callbacks(execute=True):
            certificates = services.certificates_issue(actor=people["trainer"],
                                                       session=session)
    assert len(certificates) == 1
    assert smtp.to("wawan@dputr.test")[-1]["Subject"].startswith("[LPSE]")
    session.refresh_from_db()
    request.refresh_from_db()
    assert session.status == TrainingSession.Status.COMPLETED
    assert request.status == TrainingRequest.Status.COMPLETED

    steps = {s.step: s for s in TrainingStep.objects.filter(request=request)}
    assert list(steps) == ["submitted", "disposed", "confirmed", "scheduled", "reply_letter",
                           "reply_sent", "trainer_assigned", "delivered"]
    letter = steps["reply_letter"]
    assert letter.actor == people["head"]
    assert letter.minutes == 12.0
    assert (letter.standard_min_minutes, letter.standard_max_minutes) == (10, 20)
    assert letter.within_standard
    assert (steps["confirmed"].standard_min_minutes, steps["confirmed"].standard_max_minutes
            ) == (1, 5)
    assert steps["delivered"].started_at == session.starts_at
    assert steps["delivered"].actor == people["trainer"]


@pytest.mark.django_db
def test_steps_are_done_by_the_actors_of_the_table(people) -> None:
    request = submitted(people["admin"])
    with pytest.raises(PermissionDenied):
        services.training_request_dispose(actor=people["helpdesk"], request=request, to=None)
    with pytest.raises(ValidationError):
        services.training_request_confirm(actor=people["helpdesk"], request=request,
                                          agreed_date=FRI)
    other_agency_admin = make_user(Role.AGENCY_ADMIN)
    with time_machine.travel(BEFORE, tick=False):
        session = scheduled(people["admin"], people["head"], people["helpdesk"], day=FRI)
    with pytest.raises(PermissionDenied):
        services.participant_add(actor=other_agency_admin, session=session, name="X")
    with pytest.raises(ValidationError):  # the reply letter comes before the surat tugas
        services.trainer_assign(actor=people["head"], session=session,
                                trainer=people["trainer"])
    with pytest.raises(ValidationError):
        services.attendance_record(actor=people["helpdesk"], session=session, present=[])


@pytest.mark.django_db
def test_a_bad_letter_is_refused_and_nothing_saved(people) -> None:
    from lpse.helpdesk.tests.factories import upload

    with pytest.raises(ValidationError):
        submitted(people["admin"], letter=upload(b"GIF89a not allowed", "surat.gif"))
    assert not TrainingRequest.objects.exists()


@pytest.mark.django_db
def test_vendor_self_enrolment_and_capacity(people) -> None:
    vendors = [make_user(Role.VENDOR) for _ in range(3)]
    with time_machine.travel(BEFORE, tick=False):
        session = services.session_schedule(
            actor=people["helpdesk"], title="Pelatihan penyedia", audience=Audience.VENDOR,
            starts_at=at(date(2026, 12, 2), 9), ends_at=at(date(2026, 12, 2), 13),
            room=room(), capacity=2, open_enrolment=True)
        services.session_enrol(actor=vendors[0], session=session)
        with pytest.raises(ValidationError):
            services.session_enrol(actor=vendors[0], session=session)
        services.session_enrol(actor=vendors[1], session=session)
        with pytest.raises(ValidationError, match=r"penuh|full"):
            services.session_enrol(actor=vendors[2], session=session)
        services.session_unenrol(actor=vendors[1], session=session)
        services.session_enrol(actor=vendors[2], session=session)
        with pytest.raises(PermissionDenied):
            services.session_enrol(actor=people["admin"], session=session)
    assert session.participants.filter(self_enrolled=True).count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_enrolment_never_overfills_a_session(people) -> None:
    vendors = [make_user(Role.VENDOR) for _ in range(4)]
    session = services.session_schedule(
        actor=people["helpdesk"], title="Pelatihan penyedia", audience=Audience.VENDOR,
        starts_at=at(date(2026, 12, 2), 9), ends_at=at(date(2026, 12, 2), 13), room=room(),
        capacity=2, open_enrolment=True)
    barrier = threading.Barrier(len(vendors))
    outcomes: list[str] = []

    def enrol(vendor) -> None:
        try:
            barrier.wait()
            services.session_enrol(actor=vendor, session=session)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(v,)) for v in vendors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full", "full", "ok", "ok"]
    assert Participant.objects.filter(session=session).count() == 2


@pytest.mark.django_db
def test_ical_feed(people) -> None:
    with time_machine.travel(BEFORE, tick=False):
        session = scheduled(people["admin"], people["head"], people["helpdesk"], day=FRI)
    from icalendar import Calendar

    calendar = Calendar.from_ical(sessions_ical([session]))
    event = calendar.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Pelatihan SPSE DPUTR"
    assert event.decoded("DTSTART") == session.starts_at
    assert "Ruang Pelatihan LPSE" in str(event["LOCATION"])


@pytest.mark.django_db
def test_the_sop_report_reads_the_timed_steps(people) -> None:
    from lpse.operations.sop_report import build_report

    with time_machine.travel(BEFORE, tick=False):
        session = scheduled(people["admin"], people["head"], people["helpdesk"], day=FRI)
    with time_machine.travel(BEFORE + timedelta(minutes=30), tick=False):
        services.reply_letter_issue(actor=people["head"], request=session.request,
                                    started_at=BEFORE + timedelta(minutes=5))
    report = build_report(date(2026, 11, 30), date(2026, 11, 30))
    rows = {row.step.code: row for row in report.rows if row.procedure.code == "2.4"}
    assert all(rows[code].recorded for code in "1234567")
    assert (rows["1"].cases, rows["2"].cases, rows["3"].cases) == (1, 1, 1)
    # Drawing up the letter took 25 minutes against 10–20: one breach; sending took none.
    assert rows["4"].breach_count == 1
    assert rows["5"].cases == 1
    assert rows["5"].breach_count == 0
    assert rows["4"].breaches[0].actor == people["head"].username
