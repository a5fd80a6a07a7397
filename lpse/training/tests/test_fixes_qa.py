"""Fixes found by QA: calendar links and phone layout, session page, letters' weekday,
surat tugas for the head, step 3 timed from the disposition, the room message."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from pypdf import PdfReader

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import AgencyFactory, make_user
from lpse.core.files import open_stored
from lpse.training import services
from lpse.training.models import Audience, TrainingStep
from lpse.training.tests.factories import at, room, scheduled, submitted

pytestmark = pytest.mark.django_db
TUE = date(2026, 12, 22)  # a Tuesday, agency training day
BEFORE = at(date(2026, 12, 14), 8)


@pytest.fixture
def people():
    agency = AgencyFactory(code="DPUTR", name="Dinas PUTR", email="dputr@sumedang.test")
    return {
        "admin": make_user(Role.AGENCY_ADMIN, agency=agency, email="admin@dputr.test"),
        "head": make_user(Role.HEAD, full_name="Drs. Ujang", email="kepala@lpse.test"),
        "helpdesk": make_user(Role.HELPDESK, email="hd@lpse.test"),
        "trainer": make_user(Role.TRAINER, full_name="Yusuf Maulana", email="yusuf@lpse.test"),
        "sysadmin": make_user(Role.SYSADMIN),
    }


def _pdf_text(document) -> str:
    with open_stored(document.file) as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _assigned(people):
    with time_machine.travel(BEFORE, tick=False):
        session = scheduled(people["admin"], people["head"], people["helpdesk"], day=TUE)
    with time_machine.travel(BEFORE + timedelta(minutes=30), tick=False):
        reply = services.reply_letter_issue(actor=people["head"], request=session.request)
        assignment = services.trainer_assign(actor=people["head"], session=session,
                                             trainer=people["trainer"])
    session.refresh_from_db()
    return session, reply, assignment


def test_calendar_links_only_sessions_the_reader_may_open(client_for, people) -> None:
    session, _reply, _assignment = _assigned(people)
    url = f"/training/sessions/{session.pk}/"
    for role in ("sysadmin", "helpdesk", "admin"):
        client = client_for(people[role])
        page = client.get("/training/calendar/?month=2026-12").content.decode()
        assert session.title in page
        opens = client.get(url).status_code
        # A link is offered exactly when the session page opens for this reader.
        assert (f'href="{url}"' in page) == (opens == 200), role
    assert client_for(people["sysadmin"]).get(url).status_code == 404
    assert client_for(people["helpdesk"]).get(url).status_code == 200


def test_calendar_has_a_list_for_phones(client_for, people) -> None:
    session, _reply, _assignment = _assigned(people)
    page = client_for(None).get("/training/calendar/?month=2026-12").content.decode()
    assert 'id="calendar-list"' in page
    assert 'class="d-md-none"' in page
    assert "Selasa, 22 Desember 2026" in page  # the day heading of the list
    assert page.count(session.title) == 2  # grid and list


def test_session_page_time_and_surat_tugas_for_the_head(client_for, people) -> None:
    session, _reply, assignment = _assigned(people)
    url = f"/training/sessions/{session.pk}/"
    head_page = client_for(people["head"]).get(url).content.decode()
    assert "WIB WIB" not in head_page
    assert "22-12-2026 09:00 WIB – 15:00 WIB" in head_page
    assert assignment.number in head_page  # the head reads the surat tugas
    assert assignment.number in client_for(people["trainer"]).get(url).content.decode()
    # The agency admin may not read the surat tugas: no link offered.
    assert assignment.number not in client_for(people["admin"]).get(url).content.decode()
    download = client_for(people["head"]).get(f"/files/{assignment.file_id}/")
    assert download.status_code == 200


def test_letters_print_the_weekday(people) -> None:
    _session, reply, assignment = _assigned(people)
    for document in (reply, assignment):
        text = " ".join(_pdf_text(document).split())
        assert "Selasa, 22 Desember 2026" in text


def test_step_3_is_timed_from_the_disposition_on_the_page_and_in_the_report(
        client_for, people) -> None:
    from lpse.operations.sop_report import build_report

    request = submitted(people["admin"])
    with time_machine.travel(BEFORE, tick=False):
        services.training_request_dispose(actor=people["head"], request=request,
                                          to=people["helpdesk"])
    with time_machine.travel(BEFORE + timedelta(hours=6), tick=False):
        services.training_request_confirm(actor=people["helpdesk"], request=request,
                                          agreed_date=TUE)
        # The officer opened the form a few seconds before saving it.
        services.session_schedule(
            actor=people["helpdesk"], title="Pelatihan SPSE DPUTR", audience=Audience.AGENCY,
            starts_at=at(TUE, 9), ends_at=at(TUE, 15), room=room(), capacity=12,
            request=request, started_at=BEFORE + timedelta(hours=6, seconds=-5))
    step = TrainingStep.objects.get(request=request, step=TrainingStep.Step.SCHEDULED)
    assert step.minutes == 360.0
    report = build_report(date(2026, 12, 14), date(2026, 12, 14))
    row = next(r for r in report.rows if r.procedure.code == "2.4" and r.step.code == "3")
    assert row.median_minutes == pytest.approx(step.minutes)
    client = client_for(people["head"])
    client.cookies["lpse_language"] = "en"
    page = client.get(f"/training/requests/{request.pk}/").content.decode()
    assert "6.0 h" in page
    assert "Time taken" in page


def test_capacity_message_does_not_repeat_room(people) -> None:
    from lpse.training.rules import schedule_problems

    problems = schedule_problems(audience=Audience.AGENCY, starts_at=at(TUE, 9),
                                 ends_at=at(TUE, 15), room=room(capacity=20), capacity=30)
    message = next(p.message for p in problems if p.code == "capacity")
    assert message == "Ruang Pelatihan LPSE has 20 seats; 30 are planned."


def test_attendance_table_scrolls_on_phones(client_for, people) -> None:
    session, _reply, _assignment = _assigned(people)
    page = client_for(people["trainer"]).get(
        f"/training/sessions/{session.pk}/attendance/").content.decode()
    assert '<div class="table-responsive"><table class="table table-sm align-middle" ' \
           'data-testid="attendance-list">' in page
