from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.core.calendar import WIB
from lpse.operations import hooks
from lpse.operations.sop_catalogue import PROCEDURES, PROCEDURES_BY_CODE
from lpse.operations.sop_report import build_report, percentile, report_csv, report_pdf

pytestmark = pytest.mark.django_db


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


def _email_change_cases(period: hooks.Period) -> list[hooks.StepCase]:
    return [
        hooks.StepCase("EC-1", _at(2, 9), _at(2, 9, 20), actor="appadmin"),
        hooks.StepCase("EC-2", _at(3, 9), _at(3, 9, 25), actor="appadmin"),
        hooks.StepCase("EC-3", _at(4, 9), _at(4, 10, 5), actor="sysadmin", url="/x/3/"),
        hooks.StepCase("EC-old", _at(1, 9) - timedelta(days=40), _at(1, 9) - timedelta(days=40)),
    ]


def test_catalogue_has_every_procedure_of_the_brief():
    assert {"1.2", "2.2", "2.4", "3.2", "3.4", "3.6", "3.7", "5.1", "6"} == set(PROCEDURES_BY_CODE)
    assert PROCEDURES_BY_CODE["1.2"].step("9").standard.label == "15 – 30 Menit"
    assert PROCEDURES_BY_CODE["3.7"].step("4").standard.high == 24 * 60
    assert PROCEDURES_BY_CODE["1.2"].step("7").standard.kind == "working_days"


def test_unknown_step_cannot_register():
    with pytest.raises(KeyError):
        hooks.register_sop_source("3.4", "99", _email_change_cases)


def test_percentiles():
    assert percentile([20, 25, 65], 50) == 25
    assert percentile([20, 25, 65], 90) == pytest.approx(57.0)
    assert percentile([7], 90) == 7


def test_report_with_a_registered_source_and_not_recorded_rest():
    hooks.register_sop_source("3.4", "3", _email_change_cases)
    # Every step of the catalogue has a source now; take one away to see "not recorded".
    hooks.unregister_sop_source("6", "offsite")
    report = build_report(date(2026, 11, 1), date(2026, 11, 30))
    row = next(r for r in report.rows if (r.procedure.code, r.step.code) == ("3.4", "3"))
    assert row.recorded
    assert row.cases == 3
    assert row.median_minutes == 25
    assert row.p90_minutes == pytest.approx(57.0)
    assert [c.reference for c in row.breaches] == ["EC-3"]  # 65 min > 30 min
    unrecorded = [r for r in report.rows if not r.recorded]
    # Other apps register their own steps (e.g. helpdesk 2.2, training 2.4): count them all.
    registered = sum(1 for p in PROCEDURES for s in p.steps if hooks.sop_source(p.code, s.code))
    assert len(unrecorded) == sum(len(p.steps) for p in PROCEDURES) - registered
    text = report_csv(report)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[-1][:4] == ["breach", "3.4", "3", "EC-3"]
    code = unrecorded[0].procedure.code
    assert any(r[2] == code and r[7] == "not recorded" for r in rows[1:40] if len(r) > 7)
    pdf = report_pdf(report, prepared_by="Kepala UPTD")
    assert pdf.startswith(b"%PDF")


def test_working_day_and_service_hour_standards():
    verify = PROCEDURES_BY_CODE["1.2"]
    # Registered Friday 2026-11-27; 7 working days later is Tuesday 2026-12-08 15:00.
    assert not verify.step("7").standard.breached(_at(27, 10), datetime(2026, 12, 8, 14, 0,
                                                                      tzinfo=WIB))
    assert verify.step("7").standard.breached(_at(27, 10), datetime(2026, 12, 9, 9, 0,
                                                                  tzinfo=WIB))
    desk = verify.step("8").standard
    assert not desk.breached(_at(26, 10), _at(26, 10, 20))  # Thursday 10:00
    assert desk.breached(_at(28, 10), _at(28, 10, 20))  # Saturday


def test_views_and_exports(client_for):
    hooks.register_sop_source("3.4", "3", _email_change_cases)
    hooks.unregister_sop_source("6", "offsite")
    head = make_user(Role.HEAD)
    client = client_for(head)
    response = client.get("/operations/sop-report/", {"start": "2026-11-01", "end": "2026-11-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "EC-3" in html
    assert "belum tercatat" in html  # the step without a source
    response = client.get("/operations/sop-report.csv", {"start": "2026-11-01",
                                                         "end": "2026-11-30"})
    assert response["Content-Type"].startswith("text/csv")
    assert b"EC-3" in response.content
    response = client.get("/operations/sop-report.pdf", {"start": "2026-11-01",
                                                         "end": "2026-11-30"})
    assert response["Content-Type"] == "application/pdf"
    response = client.get("/operations/sop-report/", {"start": "2026-11-30", "end": "2026-11-01"})
    assert response.status_code == 400


def test_named_steps_and_durations_are_shown_in_the_language_of_the_page(client_for):
    hooks.register_sop_source("3.4", "3", _email_change_cases)
    hooks.register_sop_source("5.1", "daily", lambda period: [
        hooks.StepCase("Harian 2 Nov", _at(2, 8), _at(2, 8, 12, ), actor="sysadmin")])
    client = client_for(make_user(Role.HEAD))
    html = client.get("/operations/sop-report/", {"start": "2026-11-01",
                                                  "end": "2026-11-30"}).content.decode()
    for label in ("Harian", "Mingguan", "Penyelesaian masalah", "Pembuatan cadangan",
                  "Salinan di luar lokasi"):
        assert f"<td>{label}</td>" in html
    for code in ("daily", "weekly", "resolve", "backup", "offsite"):
        assert f"<td>{code}</td>" not in html
    assert "25,0 menit" in html  # median of 20, 25 and 65 minutes
    assert "57,0 menit" in html
    assert "12,0 menit" in html
    assert "25.0" not in html
    client.cookies["lpse_language"] = "en"
    html = client.get("/operations/sop-report/", {"start": "2026-11-01",
                                                  "end": "2026-11-30"}).content.decode()
    assert "<td>Daily</td>" in html
    assert "25.0 min" in html


def test_standard_times_are_the_regulations_words_in_indonesian_and_their_meaning_in_english(
        client_for):
    client = client_for(make_user(Role.HEAD))
    html = client.get("/operations/sop/1.1/").content.decode()
    assert "<td>15 – 30 Menit</td>" in html
    assert "<td>7 (tujuh) hari kerja</td>" in html
    client.cookies["lpse_language"] = "en"
    html = client.get("/operations/sop/1.1/").content.decode()
    assert "<td>15–30 minutes</td>" in html
    assert "<td>7 working days</td>" in html
    assert "<td>Every working day, 09:00–15:00 WIB</td>" in html
    assert "Menit" not in html
    report = client.get("/operations/sop-report/", {"start": "2026-11-01",
                                                    "end": "2026-11-30"}).content.decode()
    for meaning in ("1–24 hours", "5 minutes", "1 minute<", "Daily (1 day)", "Not determined"):
        assert meaning in report
    assert "Tidak ditentukan" not in report


def test_breach_links_only_for_readers_who_may_open_them(client_for):
    """A case links only to what the reader of the report may open (StepCase.perm)."""
    from lpse.accounts.roles import Perm

    hooks.register_sop_source("3.4", "3", lambda period: [
        hooks.StepCase("EC-open", _at(4, 9), _at(4, 10, 5), url="/open/3/"),
        hooks.StepCase("EC-desk", _at(5, 9), _at(5, 10, 5), url="/desk/4/",
                       perm=Perm.VERIFY_VENDORS),
        hooks.StepCase("EC-report", _at(6, 9), _at(6, 10, 5), url="/report/5/",
                       perm=Perm.VIEW_SOP_REPORT)])
    query = {"start": "2026-11-01", "end": "2026-11-30"}
    for role in (Role.HEAD, Role.SYSADMIN, Role.AUDITOR):
        client = client_for(make_user(role))
        html = client.get("/operations/sop-report/", query).content.decode()
        assert '<a href="/open/3/">EC-open</a>' in html
        assert '<a href="/report/5/">EC-report</a>' in html
        assert "<td>EC-desk</td>" in html
        assert "/desk/4/" not in html
        csv_text = client.get("/operations/sop-report.csv", query).content.decode()
        assert "/report/5/" in csv_text
        assert "/desk/4/" not in csv_text
