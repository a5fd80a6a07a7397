"""Ranking of evaluated bids by the tender's evaluation method (catalog ranking rules).

- lowest_price (harga terendah sistem gugur): passing bids by corrected price, lowest first;
- quality_and_cost (kualitas dan biaya): technical score × weight + price score × (100 −
  weight), price score = lowest price ÷ price × 100; highest first;
- quality (kualitas): technical score, highest first (the price is then negotiated);
- fixed_budget (pagu anggaran): technical score, highest first, among bids within the pagu.

A bid passes when the administrative, qualification and price evaluations passed, the
technical evaluation passed (or, with scores, reached the passing score), and its
evaluated price does not exceed the HPS (the pagu for the fixed-budget method).
Ties are broken by the lower price, then by who joined first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

LOWEST_PRICE = "lowest_price"
QUALITY_AND_COST = "quality_and_cost"
QUALITY = "quality"
FIXED_BUDGET = "fixed_budget"

THREE_PLACES = Decimal("0.001")


@dataclass
class Scored:
    key: int
    price: Decimal
    administrative: bool | None
    qualification: bool | None
    technical: bool | None
    technical_score: Decimal | None
    price_passed: bool | None
    order: int
    final_score: Decimal | None = None
    rank: int | None = None
    failure: str = ""


def _passes(item: Scored, *, uses_scores: bool, threshold: Decimal, limit: Decimal) -> str:
    """Empty when the bid passes, else the code of the first evaluation it failed."""
    if item.administrative is not True:
        return "administrative"
    if uses_scores:
        if item.technical_score is None or item.technical_score < threshold:
            return "technical"
    elif item.technical is not True:
        return "technical"
    if item.price_passed is not True or item.price > limit:
        return "price"
    if item.qualification is not True:
        return "qualification"
    return ""


def rank(
    items: Sequence[Scored],
    *,
    rule: str,
    uses_scores: bool,
    owner_estimate: Decimal,
    budget_ceiling: Decimal,
    technical_weight: Decimal | None,
    technical_threshold: Decimal | None,
) -> list[Scored]:
    """Set `final_score`, `rank` (None when failed) and `failure` on each item."""
    threshold = technical_threshold if technical_threshold is not None else Decimal(0)
    limit = budget_ceiling if rule == FIXED_BUDGET else owner_estimate
    passing: list[Scored] = []
    for item in items:
        item.failure = _passes(item, uses_scores=uses_scores, threshold=threshold, limit=limit)
        item.rank = None
        item.final_score = None
        if not item.failure:
            passing.append(item)
    if not passing:
        return list(items)
    if rule == QUALITY_AND_COST:
        weight = technical_weight if technical_weight is not None else Decimal(70)
        lowest = min(i.price for i in passing)
        for item in passing:
            price_score = lowest / item.price * 100
            total = ((item.technical_score or Decimal(0)) * weight
                     + price_score * (Decimal(100) - weight)) / 100
            item.final_score = total.quantize(THREE_PLACES, rounding=ROUND_HALF_UP)
        passing.sort(key=lambda i: (-(i.final_score or 0), i.price, i.order))
    elif rule in (QUALITY, FIXED_BUDGET):
        for item in passing:
            item.final_score = item.technical_score
        passing.sort(key=lambda i: (-(i.technical_score or 0), i.price, i.order))
    else:
        passing.sort(key=lambda i: (i.price, i.order))
    for position, item in enumerate(passing, start=1):
        item.rank = position
    return list(items)
