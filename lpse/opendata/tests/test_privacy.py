"""What is sealed or personal never reaches the OCDS data."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from lpse.accounts.models import User
from lpse.core.models import IssuedDocument, StoredFile
from lpse.opendata import selectors
from lpse.opendata.services import releases_sync
from lpse.opendata.tests import scenario
from lpse.tenders import services as tender_services
from lpse.tenders.models import Evaluation, IntegrityPact
from lpse.tenders.stages import StageCode
from lpse.tenders.tests.factories import inside, join, make_vendor

pytestmark = pytest.mark.django_db


def _published_text() -> str:
    return json.dumps([list(selectors.iter_releases()), list(selectors.iter_records())],
                      ensure_ascii=False)


def test_bids_stay_sealed_until_the_winner_is_announced(clock):
    s = scenario.published()
    scenario.opened(s, clock)
    scenario.evaluated(s)
    clock.move_to(inside(s.refresh(), StageCode.WINNER_DECISION))
    tender_services.tender_winner_set(actor=s.member, tender=s.tender)
    releases_sync(tender=s.tender)
    text = _published_text()
    assert '"numberOfTenderers": 3' in text, "the number of bids is public after the opening"
    for participant in s.participants:
        assert participant.vendor.name not in text
    for offer in scenario.OFFERS:
        assert offer not in text
    assert "vendor-" not in text
    assert '"details"' not in text
    assert '"awards"' not in text

    tender_services.evaluation_minutes_issue(actor=s.member, tender=s.tender)
    clock.move_to(inside(s.tender, StageCode.WINNER_ANNOUNCEMENT))
    tender_services.tender_winner_announce(actor=s.member, tender=s.tender)
    releases_sync(tender=s.tender)
    text = _published_text()
    for participant in s.participants:
        assert participant.vendor.name in text, "after the announcement bidders are public"
    assert scenario.OFFERS[1] in text


def test_personal_data_and_non_public_documents_are_never_published(clock):
    s = scenario.published()
    clock.shift(dt.timedelta(hours=2))
    asker = join(s.tender, make_vendor("CV Penanya"))
    clock.move_to(inside(s.refresh(), StageCode.CLARIFICATION))
    question = tender_services.question_ask(actor=asker.vendor.account, tender=s.tender,
                                            text="Apakah boleh memakai subkontraktor lokal?")
    tender_services.question_answer(actor=s.member, question=question,
                                    answer="Boleh, sesuai ketentuan dokumen pemilihan.")
    scenario.opened(s, clock)
    evaluation = Evaluation.objects.filter(tender=s.tender).first()
    tender_services.evaluation_record(actor=s.member, evaluation=evaluation,
                                      administrative_notes="Catatan rahasia pokja 4711")
    scenario.announced(s, clock)
    scenario.awarded(s, clock)
    scenario.contracted(s, clock)
    releases_sync(tender=s.tender)
    text = _published_text()
    forbidden: list[str] = ["@", "/files/", "/documents/verify", "4711",
                            "subkontraktor lokal", "sesuai ketentuan dokumen"]
    for user in User.objects.all():
        forbidden += [user.email, user.get_username()]
        forbidden += [v for v in (user.nip, user.full_name, user.phone) if v]
    for participant in [asker, *s.participants]:
        forbidden += [participant.vendor.npwp, participant.vendor.email]
    forbidden += [d.number for d in IssuedDocument.objects.all()]
    forbidden += [str(f.pk) for f in StoredFile.objects.all()]
    forbidden += [p.sha256 for p in IntegrityPact.objects.all()]
    leaked = sorted({value for value in forbidden if value and value in text})
    assert leaked == []
    assert IssuedDocument.objects.filter(letter_type="tenders.sppbj").exists()
