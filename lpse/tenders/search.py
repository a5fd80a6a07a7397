"""Search text of tenders: one lower-case, accent-free column matched with LIKE '%term%'.

On PostgreSQL a trigram GIN index (migration 0002) serves these filters; on SQLite the
column is scanned. Both databases give the same results.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Q

_SPACES = re.compile(r"\s+")
MAX_TERMS = 6


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def build_search_text(parts: Iterable[object]) -> str:
    return normalise(" ".join(str(p) for p in parts if p))


def search_terms(query: str) -> list[str]:
    terms = [t for t in normalise(query).split(" ") if t]
    return terms[:MAX_TERMS]


def search_condition(query: str, field: str = "search_text") -> Q:
    """Every term must appear somewhere in the search text."""
    condition = Q()
    for term in search_terms(query):
        condition &= Q(**{f"{field}__contains": term})
    return condition
