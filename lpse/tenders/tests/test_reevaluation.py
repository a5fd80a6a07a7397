"""Re-evaluation (evaluasi ulang) after an upheld objection to the winner: the result is
withdrawn, the evaluation reopens on a new schedule, the new result is announced and can be
objected to again, and the award follows it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from lpse.audit.models import AuditEvent
from lpse.tenders import services
from lpse.tenders.models import Objection, Reevaluation, ScheduleChangeRequest
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import after, inside, make_vendor, window
from lpse.tenders.tests.test_services import _announced

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English (the pages are tested in Indonesian)."""
    with translation.override("en"):
        yield


def _upheld(clock):
    """Announced (winner 850 M, loser 900 M); the loser's objection upheld; the objection
    period over."""
    tender, (loser, winner), member = _announced(clock)
    clock.move_to(inside(tender, StageCode.OBJECTION))
    objection = services.objection_file(actor=loser.vendor.account, tender=tender,
                                        text="Pengalaman pemenang tidak benar")
    clock.move_to(after(tender, StageCode.OBJECTION))
    services.objection_answer(actor=member, objection=objection,
                              answer="Benar: kontrak pengalaman tidak dapat dibuktikan.",
                              outcome=Objection.Outcome.ACCEPTED)
    return tender, loser, winner, member, objection


def test_reevaluation_withdraws_the_result_and_reschedules(
        clock, smtp, django_capture_on_commit_callbacks):
    tender, loser, winner, member, objection = _upheld(clock)
    first_minutes = services.evaluation_minutes_of(tender)
    assert first_minutes is not None
    announce_at = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        reevaluation = services.evaluation_reopen(
            actor=member, tender=tender, reason="Sanggah PT A diterima",
            announce_at=announce_at)
    tender.refresh_from_db()
    assert reevaluation.round == tender.evaluation_round == 2
    assert list(reevaluation.objections.all()) == [objection]
    assert reevaluation.replaces == first_minutes
    assert tender.winner_set_at is None
    assert tender.winner_announced_at is None
    assert not tender.evaluations.filter(award__isnull=False).exists()
    # The minutes stay issued but no longer count; the schedule was changed in public.
    assert services.evaluation_minutes_of(tender) is None
    change = reevaluation.schedule_change
    assert change.status == ScheduleChangeRequest.Status.APPLIED
    assert change.applied_directly
    assert "Sanggah PT A diterima" in change.reason
    decision = window(tender, StageCode.WINNER_DECISION)
    assert decision.starts_at <= timezone.now() < decision.ends_at
    assert window(tender, StageCode.WINNER_ANNOUNCEMENT).starts_at >= announce_at
    assert window(tender, StageCode.OBJECTION).ends_at > announce_at
    assert tender.current_stage() == StageCode.WINNER_DECISION
    assert tender.stages.get(code=StageCode.OBJECTION).change_count == 1
    assert "Sanggah PT A diterima" in smtp.body(smtp.to(winner.vendor.email)[-1])
    event = AuditEvent.objects.get(action="tenders.evaluation_reopened")
    assert event.data["round"] == 2
    assert event.data["replaces"] == first_minutes.number
    assert services.award_problems(tender)  # nothing to award until announced again

    # The committee corrects the winner's evaluation and decides again.
    evaluation = tender.evaluations.get(participant=winner)
    services.evaluation_record(actor=member, evaluation=evaluation, qualification_passed=False,
                               qualification_notes="Pengalaman tidak terbukti")
    chosen = services.tender_winner_set(actor=member, tender=tender)
    assert [e.participant_id for e in chosen] == [loser.pk]
    second_minutes = services.evaluation_minutes_issue(actor=member, tender=tender)
    assert second_minutes.number != first_minutes.number
    assert second_minutes.file.original_name.endswith("-2.pdf")
    assert services.evaluation_minutes_of(tender) == second_minutes
    with pytest.raises(ValidationError, match="announcement stage"):
        services.tender_winner_announce(actor=member, tender=tender)
    clock.move_to(inside(tender, StageCode.WINNER_ANNOUNCEMENT))
    services.tender_winner_announce(actor=member, tender=tender)

    # A new objection period: the former winner objects (the loser could too: a new round).
    clock.move_to(inside(tender, StageCode.OBJECTION, minutes=30))
    second = services.objection_file(actor=winner.vendor.account, tender=tender,
                                     text="Pengalaman kami sah")
    assert second.round == 2
    services.objection_file(actor=loser.vendor.account, tender=tender, text="Catatan")
    with pytest.raises(ValidationError, match="already filed"):
        services.objection_file(actor=winner.vendor.account, tender=tender, text="lagi")
    clock.move_to(after(tender, StageCode.OBJECTION))
    for pending in tender.objections.filter(round=2):
        services.objection_answer(actor=member, objection=pending, answer="Tidak terbukti.",
                                  outcome=Objection.Outcome.REJECTED)
    # The round-1 objection stays upheld in the record but no longer blocks the award.
    tender.refresh_from_db()
    assert services.award_problems(tender) == []
    letter = services.award_letter_issue(actor=tender.package.ppk, tender=tender)
    assert letter.participant == loser
    assert letter.amount == Decimal("900000000")


def test_reevaluation_is_refused_unless_an_objection_was_upheld_and_answered(clock):
    tender, (loser, winner), member = _announced(clock)
    clock.move_to(inside(tender, StageCode.OBJECTION))
    objection = services.objection_file(actor=loser.vendor.account, tender=tender, text="x")
    services.objection_file(actor=winner.vendor.account, tender=tender, text="y")

    def reopen(actor=member, announce_at=None):
        return services.evaluation_reopen(
            actor=actor, tender=tender, reason="Sanggah",
            announce_at=announce_at or timezone.now() + timedelta(days=3))

    with pytest.raises(ValidationError) as caught:
        reopen()
    assert {"No objection to the winner has been upheld.",
            "The objection period has not ended.",
            "Answer every objection first."} <= set(caught.value.messages)
    services.objection_answer(actor=member, objection=objection, answer="Benar",
                              outcome=Objection.Outcome.ACCEPTED)
    clock.move_to(after(tender, StageCode.OBJECTION))
    with pytest.raises(ValidationError, match="Answer every objection"):
        reopen()
    services.objection_answer(actor=member, objection=tender.objections.get(
        participant=winner), answer="Tidak", outcome=Objection.Outcome.REJECTED)
    with pytest.raises(PermissionDenied):
        reopen(actor=make_vendor().account)
    with pytest.raises(PermissionDenied):
        reopen(actor=tender.package.ppk)
    with pytest.raises(ValidationError) as caught:
        reopen(announce_at=timezone.now() - timedelta(hours=1))
    assert "announce_at" in caught.value.message_dict
    with pytest.raises(ValidationError, match="reason"):
        services.evaluation_reopen(actor=member, tender=tender, reason="  ",
                                   announce_at=timezone.now() + timedelta(days=3))
    reopen()
    # A second submit (a double click, another member) finds nothing left to re-evaluate.
    with pytest.raises(ValidationError, match="No objection to the winner has been upheld"):
        reopen()
    assert Reevaluation.objects.filter(tender=tender).count() == 1


def test_a_waiting_schedule_change_must_be_settled_first(clock, settings):
    settings.TENDER_SCHEDULE_CHANGE_DIRECT = False
    tender, _loser, _winner, member, _objection = _upheld(clock)
    contract = window(tender, StageCode.CONTRACT_SIGNING)
    services.schedule_change_request(
        actor=member, tender=tender, reason="Penandatanganan diundur",
        windows={StageCode.CONTRACT_SIGNING: type(contract)(
            contract.starts_at, contract.ends_at + timedelta(days=2))})
    with pytest.raises(ValidationError, match="already waiting"):
        services.evaluation_reopen(actor=member, tender=tender, reason="Sanggah diterima",
                                   announce_at=timezone.now() + timedelta(days=3))
    tender.refresh_from_db()
    assert tender.evaluation_round == 1
    assert tender.winner_announced_at is not None


def test_reevaluation_through_the_workspace(clock, client_for):
    tender, _loser, _winner, member, _objection = _upheld(clock)
    client = client_for(member)
    page = client.get(reverse("tenders:workspace", args=[tender.pk])).content.decode()
    url = reverse("tenders:evaluation_reopen", args=[tender.pk])
    assert url in page
    response = client.post(url, {"reason": "Sanggah diterima", "announce_at": "2020-01-06T10:00"})
    assert response.status_code == 422
    assert "Sanggah diterima" in response.content.decode(), "the reason is kept as typed"
    assert "waktu yang akan datang" in response.content.decode()
    tender.refresh_from_db()
    assert tender.evaluation_round == 1
    announce = timezone.localtime(timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"reason": "Sanggah diterima", "announce_at": announce})
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.evaluation_round == 2
    page = client.get(reverse("tenders:workspace", args=[tender.pk])).content.decode()
    assert "Sanggah diterima" in page
    assert url not in page
    public = client_for(None).get(reverse("tenders:public_detail", args=[tender.code]))
    assert "Sanggah diterima" in public.content.decode()
    # The API: the withdrawn result is gone, the upheld objection stays, with its round.
    results = client_for(None).get(f"/api/v1/tenders/{tender.code}/results/").json()
    assert results["evaluation_round"] == 2
    assert results["evaluations"] == []
    assert [(o["round"], o["outcome"]) for o in results["objections"]] == [(1, "accepted")]
