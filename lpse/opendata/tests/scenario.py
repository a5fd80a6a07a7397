"""Tenders driven through their real services to each end state, for the OCDS tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.test import override_settings
from django.utils import timezone

from lpse.accounts.models import User
from lpse.tenders import services
from lpse.tenders.models import Objection, Participant, Tender
from lpse.tenders.schedule import StageWindow, change_issues
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import (
    after,
    committee_member,
    inside,
    join,
    make_tender,
    make_vendor,
    pdf_file,
)

OFFERS = ["900000000", "850000000", "990000000"]
SCHEDULE_REASON = "Perpanjangan waktu upload karena gangguan jaringan"
ADDENDUM_REASON = "Perbaikan spesifikasi teknis pekerjaan"


@dataclass
class Scenario:
    tender: Tender
    member: User
    participants: list[Participant] = field(default_factory=list)

    def refresh(self) -> Tender:
        self.tender.refresh_from_db()
        return self.tender


def published(**kwargs: Any) -> Scenario:
    tender = make_tender(**kwargs)
    return Scenario(tender=tender, member=committee_member(tender))


def addendum(s: Scenario) -> None:
    source, name = pdf_file("adendum.pdf")
    services.document_add(actor=s.member, tender=s.tender, source=source, filename=name,
                          title="Adendum Dokumen Pemilihan", reason=ADDENDUM_REASON)


def extend_upload(s: Scenario) -> None:
    """A schedule change (applied directly) moving the upload and everything after it."""
    tender = s.refresh()
    schedule = tender.schedule()
    for weeks in (1, 2, 3, 4):
        shift = dt.timedelta(weeks=weeks)
        upload = schedule[StageCode.UPLOAD]
        changes = {StageCode.UPLOAD: StageWindow(upload.starts_at, upload.ends_at + shift),
                   StageCode.DOWNLOAD: StageWindow(schedule[StageCode.DOWNLOAD].starts_at,
                                                   upload.ends_at + shift)}
        for stage in tender.plan.stages[tender.plan.stages.index(StageCode.OPENING):]:
            old = schedule[stage]
            changes[stage] = StageWindow(old.starts_at + shift, old.ends_at + shift)
        if not change_issues(schedule, changes, tender.plan, now=timezone.now()):
            with override_settings(TENDER_SCHEDULE_CHANGE_DIRECT=True):
                services.schedule_change_request(actor=s.member, tender=tender,
                                                 windows=changes, reason=SCHEDULE_REASON)
            s.refresh()
            return
    raise AssertionError("no valid extension found")


def opened(s: Scenario, clock: Any, offers: list[str] = OFFERS) -> None:
    s.participants = [join(s.tender, make_vendor(f"CV Rekanan {i}"))
                      for i in range(len(offers))]
    clock.move_to(inside(s.refresh(), StageCode.OPENING))
    for participant, value in zip(s.participants, offers, strict=True):
        services.offer_record(actor=s.member, tender=s.tender, participant=participant,
                              amount=Decimal(value))
    services.evaluation_start(actor=s.member, tender=s.tender)


def evaluated(s: Scenario) -> None:
    for evaluation in s.tender.evaluations.all():
        within = evaluation.offer_amount <= s.tender.owner_estimate
        # Knockout system: a bid above the HPS fails on price (with the reason) and its
        # qualification is not evaluated.
        services.evaluation_record(
            actor=s.member, evaluation=evaluation, administrative_passed=True,
            technical_passed=True, qualification_passed=True if within else None,
            price_passed=within, price_notes="" if within else "Harga di atas HPS",
            corrected_price=evaluation.offer_amount)


def announced(s: Scenario, clock: Any) -> None:
    evaluated(s)
    clock.move_to(inside(s.refresh(), StageCode.WINNER_DECISION))
    services.tender_winner_set(actor=s.member, tender=s.tender)
    services.evaluation_minutes_issue(actor=s.member, tender=s.tender)
    clock.move_to(inside(s.tender, StageCode.WINNER_ANNOUNCEMENT))
    services.tender_winner_announce(actor=s.member, tender=s.tender)


REEVALUATION_REASON = "Sanggah CV Rekanan 0 diterima: pengalaman pemenang tidak terbukti"


def reevaluated(s: Scenario, clock: Any) -> None:
    """After `announced`: the first bidder's objection upheld, the result withdrawn, the
    former winner disqualified, the new winner announced on the new schedule."""
    tender = s.refresh()
    clock.move_to(inside(tender, StageCode.OBJECTION))
    objection = services.objection_file(actor=s.participants[0].vendor.account, tender=tender,
                                        text="Pengalaman pemenang tidak benar")
    clock.move_to(after(tender, StageCode.OBJECTION))
    services.objection_answer(actor=s.member, objection=objection, answer="Benar",
                              outcome=Objection.Outcome.ACCEPTED)
    clock.shift(dt.timedelta(minutes=5))
    services.evaluation_reopen(actor=s.member, tender=tender, reason=REEVALUATION_REASON,
                               announce_at=timezone.now() + dt.timedelta(days=2))
    winner = tender.evaluations.get(participant=s.participants[1])
    clock.shift(dt.timedelta(minutes=5))
    services.evaluation_record(actor=s.member, evaluation=winner, qualification_passed=False,
                               qualification_notes="Pengalaman tidak terbukti")
    services.tender_winner_set(actor=s.member, tender=s.refresh())
    services.evaluation_minutes_issue(actor=s.member, tender=s.tender)
    clock.move_to(inside(s.refresh(), StageCode.WINNER_ANNOUNCEMENT))
    services.tender_winner_announce(actor=s.member, tender=s.tender)
    s.refresh()


def awarded(s: Scenario, clock: Any) -> None:
    clock.move_to(after(s.refresh(), StageCode.OBJECTION))
    services.award_letter_issue(actor=s.tender.package.ppk, tender=s.tender)


def contracted(s: Scenario, clock: Any) -> None:
    letter = s.refresh().award_letter
    clock.shift(dt.timedelta(days=1))
    day = timezone.localdate()
    services.contract_record(actor=s.tender.package.ppk, tender=s.tender,
                             number=f"602/{s.tender.code}/KONTRAK", signed_on=day,
                             value=letter.amount, starts_on=day,
                             ends_on=day + dt.timedelta(days=90))
    s.refresh()


def full(clock: Any) -> Scenario:
    """Publication, addendum, schedule change, opening, award, letter of award, contract."""
    s = published()
    clock.shift(dt.timedelta(hours=2))  # within service hours
    addendum(s)
    clock.shift(dt.timedelta(minutes=30))
    extend_upload(s)
    opened(s, clock)
    announced(s, clock)
    awarded(s, clock)
    contracted(s, clock)
    return s
