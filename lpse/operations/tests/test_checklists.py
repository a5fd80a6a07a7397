from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.operations.checklist_catalogue import ITEMS, items_for
from lpse.operations.models import ChecklistEntry, ChecklistRun, ProbeResult
from lpse.operations.services import (
    checklist_autofill,
    checklist_open,
    checklist_resolve,
    checklist_tick,
)

pytestmark = pytest.mark.django_db


def test_catalogue_covers_lampiran_5():
    codes = {item.code for item in ITEMS}
    # Software 1–11, Linux a–l, Windows a–l, database 1–4, hardware A–D, network A–D.
    assert len([c for c in codes if c.startswith("1.a.")]) == 11
    assert len([c for c in codes if c.startswith("1.b.1.")]) == 12
    assert len([c for c in codes if c.startswith("1.b.2.")]) == 12
    assert {"1.c.1", "1.c.2", "1.c.3", "1.c.4", "2.A", "2.D", "3.A", "3.D"} <= codes
    assert {i.code for i in items_for("daily")} < codes


def test_open_fills_automatic_items_with_evidence():
    ProbeResult.objects.create(checked_at=timezone.now(), url="http://x/", ok=True,
                               status_code=200, response_ms=42)
    run = checklist_open(frequency="weekly", day=date(2026, 11, 26))
    assert run.period_start == date(2026, 11, 23)  # Monday
    assert run.entries.count() == len(ITEMS)
    site = run.entries.get(item_code="1.a.1")
    assert site.result == "ok"
    assert site.automatic
    assert site.evidence["status"] == 200
    windows = run.entries.get(item_code="1.b.2.a")
    assert windows.result == "na"
    growth = run.entries.get(item_code="1.c.3")
    assert growth.result == "ok"
    assert "growth" in growth.evidence
    virus = run.entries.get(item_code="1.a.4")
    assert virus.result == "pending"  # evidence only: a person decides
    assert "uploads_rejected_last_day" in virus.evidence
    hanging = run.entries.get(item_code="1.c.2")
    assert hanging.result == "ok"
    hardware = run.entries.get(item_code="2.A")
    assert hardware.result == "pending"
    assert not hardware.evidence
    assert checklist_open(frequency="weekly", day=date(2026, 11, 29)) == run


def test_tick_resolve_and_completion():
    admin = make_user(Role.APPADMIN)
    run = checklist_open(frequency="daily")
    pending = list(run.entries.filter(result="pending"))
    assert pending
    with pytest.raises(ValidationError):
        checklist_tick(actor=admin, entry=pending[0], result="problem", note="  ")
    checklist_tick(actor=admin, entry=pending[0], result="problem",
                   note="Antivirus signatures are three days old.")
    for entry in pending[1:]:
        checklist_tick(actor=admin, entry=entry, result="ok")
    run.refresh_from_db()
    assert run.completed_at is not None
    assert run.completed_by == admin
    problem = ChecklistEntry.objects.get(pk=pending[0].pk)
    with pytest.raises(ValidationError):
        checklist_resolve(actor=admin, entry=problem, resolution="")
    checklist_resolve(actor=admin, entry=problem, resolution="Signatures updated.")
    problem.refresh_from_db()
    assert problem.resolved_by == admin
    with pytest.raises(ValidationError):
        checklist_resolve(actor=admin, entry=problem, resolution="again")


def test_manual_tick_is_not_overwritten_by_autofill():
    admin = make_user(Role.SYSADMIN)
    run = checklist_open(frequency="daily")
    entry = run.entries.get(item_code="1.c.2")
    checklist_tick(actor=admin, entry=entry, result="problem", note="Seen a stuck report job.")
    checklist_autofill(run=run)
    entry.refresh_from_db()
    assert entry.result == "problem"
    assert not entry.automatic


def test_views_tick_with_errors_in_the_users_language(client_for):
    admin = make_user(Role.SYSADMIN)
    client = client_for(admin)
    response = client.post("/operations/checklists/open/", {"frequency": "daily"})
    run = ChecklistRun.objects.get(frequency="daily")
    assert response["Location"] == f"/operations/checklists/{run.pk}/"
    entry = run.entries.get(item_code="1.a.4")
    response = client.post(f"/operations/checklists/entries/{entry.pk}/tick/",
                           {f"e{entry.pk}-result": "problem", f"e{entry.pk}-note": ""})
    assert response.status_code == 400
    assert "Jelaskan masalah yang ditemukan" in response.content.decode()
    response = client.post(f"/operations/checklists/entries/{entry.pk}/tick/",
                           {f"e{entry.pk}-result": "ok", f"e{entry.pk}-note": "ClamAV bersih"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.result == "ok"
    assert entry.checked_by == admin


def test_checklist_sop_source_measures_daily_completion():
    from lpse.operations.sop_report import build_report

    admin = make_user(Role.SYSADMIN)
    run = checklist_open(frequency="daily")
    for entry in run.entries.filter(result="pending"):
        checklist_tick(actor=admin, entry=entry, result="ok")
    today = timezone.localdate()
    report = build_report(today - timedelta(days=1), today)
    row = next(r for r in report.rows if r.procedure.code == "5.1" and r.step.code == "daily")
    assert row.recorded
    assert row.cases == 1
    assert row.breach_count == 0


def test_portal_content_items_carry_when_the_content_last_changed():
    """Lampiran 5, 1.a.6–1.a.10: the evidence is when each kind of content last changed; an
    administrator judges whether it is up to date."""
    from lpse.catalog.services import news_create

    news_create(actor=make_user(role=Role.APPADMIN), title="Jadwal pelatihan Desember",
                body="Pelatihan penyedia setiap Rabu dan Kamis.")
    run = checklist_open(frequency="weekly", day=date(2026, 11, 26))
    news = run.entries.get(item_code="1.a.7")
    assert news.result == "pending"
    changed = news.evidence["last_changed"]
    assert changed is not None
    assert abs(timezone.now() - datetime.fromisoformat(changed)) < timedelta(minutes=5)
    for code in ("1.a.6", "1.a.8", "1.a.9", "1.a.10"):
        assert "last_changed" in run.entries.get(item_code=code).evidence


def test_evidence_times_are_shown_in_wib(client_for):
    from lpse.core.templatetags.lpse import wib

    checked = timezone.now()
    ProbeResult.objects.create(checked_at=checked, url="http://x/", ok=True, status_code=200,
                               response_ms=42)
    run = checklist_open(frequency="daily", day=timezone.localdate())
    assert run.entries.get(item_code="1.a.1").evidence["at"] == checked.isoformat()
    html = client_for(make_user(Role.SYSADMIN)).get(
        f"/operations/checklists/{run.pk}/").content.decode()
    assert wib(checked) in html
    assert checked.isoformat() not in html
