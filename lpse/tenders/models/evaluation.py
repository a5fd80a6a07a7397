from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["AwardLetter", "Contract", "Evaluation", "Objection", "OfferRecord"]

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}


class OfferRecord(models.Model):
    """INTERIM SEAM — the offer price of a participant, typed in by the committee at the
    bid opening, until the sealed-bids module (lpse.bids) provides opened bids through
    `lpse.tenders.bidding.BidSource`. See docs/apps/tenders.md "Seam for sealed bids"."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE,
                               related_name="offer_records")
    participant = models.OneToOneField("tenders.Participant", on_delete=models.PROTECT,
                                       related_name="offer_record")
    amount = models.DecimalField(_("offer price"), **MONEY)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0),
                                              name="offer_record_positive")]
        verbose_name = _("offer record (interim)")
        verbose_name_plural = _("offer records (interim)")

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.amount}"


class Evaluation(models.Model):
    """The committee's evaluation of one bidder: administrative, qualification, technical
    (pass/fail or score) and price (offer, corrected price). Rank and award position are
    computed by `lpse.tenders.ranking` and set by the services."""

    class Award(models.IntegerChoices):
        WINNER = 0, _("Winner")
        RESERVE_1 = 1, _("Reserve winner 1")
        RESERVE_2 = 2, _("Reserve winner 2")

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE,
                               related_name="evaluations")
    participant = models.OneToOneField("tenders.Participant", on_delete=models.PROTECT,
                                       related_name="evaluation")
    offer_amount = models.DecimalField(_("offer price"), **MONEY)
    corrected_price = models.DecimalField(_("corrected price"), **MONEY, null=True,
                                          blank=True)
    administrative_passed = models.BooleanField(_("administrative"), null=True, blank=True)
    administrative_notes = models.TextField(_("administrative notes"), blank=True)
    qualification_passed = models.BooleanField(_("qualification"), null=True, blank=True)
    qualification_notes = models.TextField(_("qualification notes"), blank=True)
    technical_passed = models.BooleanField(_("technical"), null=True, blank=True)
    technical_score = models.DecimalField(_("technical score"), max_digits=5,
                                          decimal_places=2, null=True, blank=True)
    technical_notes = models.TextField(_("technical notes"), blank=True)
    price_passed = models.BooleanField(_("price"), null=True, blank=True)
    price_notes = models.TextField(_("price notes"), blank=True)
    final_score = models.DecimalField(_("final score"), max_digits=8, decimal_places=3,
                                      null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    award = models.PositiveSmallIntegerField(_("award"), choices=Award.choices, null=True,
                                             blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)

    class Meta:
        ordering = ["tender_id", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "award"],
                                    condition=models.Q(award__isnull=False),
                                    name="evaluation_award_once"),
            models.CheckConstraint(
                condition=models.Q(technical_score__isnull=True)
                | models.Q(technical_score__gte=0, technical_score__lte=100),
                name="evaluation_score_0_100"),
        ]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.participant_id} rank {self.rank}"

    @property
    def evaluated_price(self):  # type: ignore[no-untyped-def]
        return self.corrected_price if self.corrected_price is not None else self.offer_amount

    @property
    def passed(self) -> bool:
        return bool(self.administrative_passed and self.qualification_passed
                    and self.technical_passed and self.price_passed)


class Objection(models.Model):
    """An objection (sanggah) of a participant to the result — the winner, or in a
    prequalification the shortlist — and the committee's answer."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted (objection upheld)")
        REJECTED = "rejected", _("Rejected")

    class Phase(models.TextChoices):
        AWARD = "award", _("Winner")
        QUALIFICATION = "qualification", _("Prequalification result")

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE,
                               related_name="objections")
    participant = models.ForeignKey("tenders.Participant", on_delete=models.PROTECT,
                                    related_name="objections")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    phase = models.CharField(_("objection to"), max_length=20, choices=Phase.choices,
                             default=Phase.AWARD)
    #: The evaluation round whose result is objected to (1, then 2, … after each
    #: re-evaluation): one objection per participant per round.
    round = models.PositiveSmallIntegerField(_("evaluation round"), default=1)
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    text = models.TextField(_("objection"))
    answer = models.TextField(_("answer"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices,
                               blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["tender_id", "filed_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(outcome="") | ~models.Q(answer=""),
                                   name="objection_outcome_has_answer"),
        ]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.text[:40]}"


class Reevaluation(models.Model):
    """A re-evaluation (evaluasi ulang) after an upheld objection to the winner: the result
    is withdrawn, the committee evaluates again and decides, announces and opens a new
    objection period on the schedule set here (applied as a schedule change with the
    same reason, so the public history shows it)."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.PROTECT,
                               related_name="reevaluations")
    #: The round this re-evaluation starts (2 for the first).
    round = models.PositiveSmallIntegerField(_("evaluation round"))
    reason = models.TextField(_("reason"))
    objections = models.ManyToManyField(Objection, related_name="+",
                                        verbose_name=_("upheld objections"))
    replaces = models.ForeignKey("core.IssuedDocument", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("minutes withdrawn"))
    schedule_change = models.OneToOneField("tenders.ScheduleChangeRequest",
                                           on_delete=models.PROTECT, related_name="+")
    #: The result withdrawn (it was public: the open-data history keeps it, cancelled).
    withdrawn_winner = models.ForeignKey("tenders.Participant", on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="+",
                                         verbose_name=_("withdrawn winner"))
    withdrawn_price = models.DecimalField(_("withdrawn winner's price"), null=True,
                                          blank=True, **MONEY)
    withdrawn_announced_at = models.DateTimeField(_("withdrawn announcement"), null=True,
                                                  blank=True)
    #: Whether each bid passed in the withdrawn result ({participant id: bool}).
    withdrawn_results = models.JSONField(_("withdrawn results"), default=dict, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta:
        ordering = ["tender_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "round"],
                                    name="reevaluation_one_per_round"),
            models.CheckConstraint(condition=~models.Q(reason=""),
                                   name="reevaluation_has_reason"),
        ]
        verbose_name = _("re-evaluation")
        verbose_name_plural = _("re-evaluations")

    def __str__(self) -> str:
        return f"{self.tender_id} round {self.round}"


class AwardLetter(models.Model):
    """The letter of award (SPPBJ) the PPK issues to the winner."""

    tender = models.OneToOneField("tenders.Tender", on_delete=models.PROTECT,
                                  related_name="award_letter")
    participant = models.ForeignKey("tenders.Participant", on_delete=models.PROTECT,
                                    related_name="+")
    amount = models.DecimalField(_("award price"), **MONEY)
    document = models.OneToOneField("core.IssuedDocument", on_delete=models.PROTECT,
                                    related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("letter of award (SPPBJ)")
        verbose_name_plural = _("letters of award (SPPBJ)")

    def __str__(self) -> str:
        return f"SPPBJ {self.tender_id}"


class Contract(models.Model):
    tender = models.OneToOneField("tenders.Tender", on_delete=models.PROTECT,
                                  related_name="contract")
    number = models.CharField(_("contract number"), max_length=120, unique=True)
    signed_on = models.DateField(_("signed on"))
    value = models.DecimalField(_("contract value"), **MONEY)
    starts_on = models.DateField(_("work starts"))
    ends_on = models.DateField(_("work ends"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gt=0), name="contract_value_pos"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="contract_period_order"),
        ]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return self.number
